// The path prefix the service is served under behind a reverse proxy (<html data-root="/kg">, empty at /),
// and local(path): a path of the service as the browser must ask for it. Idempotent, like templating.at_root.
export const ROOT = document.documentElement.dataset.root || "";

export function local(path) {
  if (!ROOT || !path || !path.startsWith("/") || path.startsWith("//")) return path;
  if (path === ROOT || path.startsWith(`${ROOT}/`) || path.startsWith(`${ROOT}?`)) return path;
  return ROOT + path;
}
