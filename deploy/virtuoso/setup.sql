-- Run once on a new Virtuoso database (isql-vt PORT dba PASSWORD setup.sql), before `aichr-kg load`.
-- Virtuoso's own graphs (its RDF-view metadata, LDP and service descriptions) would otherwise be part of
-- the default graph every query sees and of every GRAPH ?g: they are made private, so the anonymous
-- /sparql user sees exactly the graphs `aichr-kg load` puts there, and the default graph is their union.
DB.DBA.RDF_GRAPH_GROUP_CREATE ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 1);
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://www.openlinksw.com/schemas/virtrdf#');
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://www.w3.org/ns/ldp#');
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://localuriqaserver/sparql');
-- private graphs: no access for the anonymous user; every other graph: read only
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);
