import { initAll } from "./govuk-frontend.min.js";

initAll();

// A shared device must not show what someone typed once they have left the page, whether
// they pressed "Exit this page" or went elsewhere: empty every form marked for it as the page
// is hidden, and again if the browser brings the page back from its cache.
const clearForms = () => {
  document.querySelectorAll("form[data-heard-clear-on-leave]").forEach((form) => form.reset());
};
window.addEventListener("pagehide", clearForms);
window.addEventListener("pageshow", (event) => {
  if (event.persisted) clearForms();
});

// Staff pages that refresh themselves (the safeguarding queue) stop doing so while someone
// is filling in a form on them: typing is never lost to a reload.
const refresh = document.querySelector("meta[name='heard-refresh']");
if (refresh) {
  const seconds = Number(refresh.getAttribute("content")) || 60;
  let busy = false;
  document.addEventListener("input", () => { busy = true; });
  document.addEventListener("focusin", (event) => {
    if (event.target.closest("form")) busy = true;
  });
  window.setInterval(() => {
    if (!busy && document.visibilityState === "visible") window.location.reload();
  }, seconds * 1000);
}
