// docgen serve: the little the page needs besides htmx (no inline scripts: CSP).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".fix-button");
  if (!button) return;
  var field = document.getElementById(button.dataset.target);
  if (!field) return;
  field.value = button.dataset.fixed;
  field.dispatchEvent(new Event("input", { bubbles: true }));
  button.closest(".note").remove();
});
// show how long the last preview took (the server measures the build)
document.addEventListener("htmx:afterRequest", function (event) {
  var xhr = event.detail.xhr;
  var seconds = xhr && xhr.getResponseHeader("X-Preview-Seconds");
  var label = document.getElementById("preview-time");
  if (seconds && label && parseFloat(seconds) > 0) label.textContent = "（生成用时 " + parseFloat(seconds).toFixed(2) + " 秒）";
});
// 删除 asks first
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
// /live and /findings send only the fields that have notes: empty the others' first
document.addEventListener("htmx:beforeSwap", function (event) {
  var path = (event.detail.requestConfig && event.detail.requestConfig.path) || "";
  var prefix = /\/live$/.test(path) ? "e-" : /\/findings$/.test(path) ? "n-" : null;
  if (!prefix || !event.detail.xhr || event.detail.xhr.status !== 200) return;
  document.querySelectorAll('.notes[id^="' + prefix + '"]').forEach(function (box) {
    if (box.firstChild) box.replaceChildren();
  });
});
