/* After a failed submit, the page opens on the summary of the form's errors
   (templates/_partials/error_summary.html): the focus goes to it, so that the keyboard starts
   there and a screen reader reads it (it is also role="alert"). Each of its links puts the
   focus on its field and brings the field's label (or a group's legend) into view, rather than
   scrolling the label off the top of the screen as following the anchor would.
   No inline script: the Content-Security-Policy allows only the portal's own files. */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var fieldset = field.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = document.querySelector("label[for='" + field.id + "']");
    var caption = field.type === "checkbox" || field.type === "radio" ? legend || label : label;
    field.focus({ preventScroll: true });
    (caption || field).scrollIntoView({ block: "start" });
  });
})();
