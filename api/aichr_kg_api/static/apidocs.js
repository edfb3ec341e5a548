// Starts Swagger UI on /docs (a file, not an inline script: the page's CSP allows only the site's own scripts).
// SwaggerUIBundle comes from swagger-ui-bundle.js, served from the fastapi-offline package's copy.
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: true, validatorUrl: null });
});
