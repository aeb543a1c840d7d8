// htmx requests of a signed-in page carry the session's CSRF token in the header the API
// checks (plain forms carry it as the hidden csrf_token field instead).
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});
