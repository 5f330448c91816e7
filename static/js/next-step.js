/* The panel "Et maintenant ?" of an application's page: its main action's link
   (<a data-unfold="#action-…">) opens that action's item of the accordion, brings it into
   view and puts the focus on its first field. Without this script the link still leads to the
   item. No inline script: the Content-Security-Policy allows only the portal's own files. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-unfold]");
    if (!link) {
      return;
    }
    var target = document.querySelector(link.getAttribute("data-unfold"));
    if (!target || !window.bootstrap) {
      return;
    }
    event.preventDefault();
    var focusFirstField = function () {
      target.scrollIntoView({ block: "start" });
      var field = target.querySelector("input:not([type=hidden]), select, textarea, button");
      if (field) {
        field.focus({ preventScroll: true });
      }
    };
    if (target.classList.contains("show")) {
      focusFirstField();
      return;
    }
    target.addEventListener("shown.bs.collapse", focusFirstField, { once: true });
    window.bootstrap.Collapse.getOrCreateInstance(target, { toggle: false }).show();
  });
})();
