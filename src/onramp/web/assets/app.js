// htmx requests of a signed-in page carry the session's CSRF token in the header the API
// checks (plain forms carry it as the hidden csrf_token field instead).
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});

// A form marked data-auto-submit (renewing the session) goes as soon as the page loads; without
// JavaScript its button does the same.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-auto-submit]")) {
    form.requestSubmit();
  }
});
