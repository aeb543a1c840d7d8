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

// A quote's countdown: the page says the expiry time (with its zone) for everyone; this shows
// the time left beside it.
document.querySelectorAll("[data-expires-at]").forEach((badge) => {
  const end = Date.parse(badge.dataset.expiresAt);
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    badge.textContent = left > 0
      ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left`
      : "expired: get a new quote";
    if (left > 0) {
      setTimeout(tick, 1000);
    }
  };
  badge.hidden = false;
  tick();
});

// An order's progress, live: the server sends the section again each time it changes (the
// same HTML a reload shows), and "end" once the order has ended.
document.querySelectorAll("[data-order-events]").forEach((section) => {
  const events = new EventSource(section.dataset.orderEvents);
  events.addEventListener("progress", (event) => {
    section.innerHTML = event.data;
  });
  events.addEventListener("end", () => events.close());
});
