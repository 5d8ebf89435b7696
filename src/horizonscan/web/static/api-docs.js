// The interactive API documentation (/api/v1/docs): Swagger UI over this server's own
// OpenAPI schema. A file of our own, not an inline script, so the CSP needs no exception;
// no validator badge and no other outside address is contacted.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("swagger-ui");
    if (!el || typeof window.SwaggerUIBundle !== "function") return;
    window.SwaggerUIBundle({
      url: el.getAttribute("data-schema"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      tryItOutEnabled: false,
      // a signed-in browser sends its session cookie with "Try it out"; writes need the CSRF header
      requestInterceptor: function (req) {
        var token = el.getAttribute("data-csrf");
        if (token && req.method && req.method !== "GET") req.headers["x-csrf-token"] = token;
        return req;
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
