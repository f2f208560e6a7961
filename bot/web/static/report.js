/* The printable report's print button (a file, not an inline handler: pages are served with a CSP). */
(function () {
  "use strict";
  var button = document.querySelector("button.print");
  if (!button || !window.print) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
