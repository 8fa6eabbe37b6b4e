/* Partnership Hub: the little behaviour the pages need beyond HTML and HTMX. */
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");

  function collapseFilterPanelsOnSmallScreens() {
    // The panel stays open without JavaScript; on a phone the results come first.
    if (!window.matchMedia("(max-width: 767px)").matches) {
      return;
    }
    document.querySelectorAll("details[data-ph-collapse-on-small]").forEach(function (panel) {
      panel.removeAttribute("open");
    });
  }

  function moveFocusToResults(event) {
    // After the results change, keyboard and screen-reader users land on the new count.
    var target = event.detail.target;
    if (!target || !target.hasAttribute("data-ph-results")) {
      return;
    }
    var heading = target.querySelector("[data-ph-results-heading]");
    if (heading && event.detail.requestConfig && event.detail.requestConfig.elt.closest("[data-ph-pagination]")) {
      heading.focus();
    }
  }

  function dropEmptyParameters(event) {
    // Keeps pushed URLs and export links short: "?country=MAR", not "?q=&country=MAR&…".
    if (!event.detail.elt.closest("[data-ph-drop-empty]")) {
      return;
    }
    var parameters = event.detail.parameters;
    Object.keys(parameters).forEach(function (name) {
      if (parameters[name] === "") {
        delete parameters[name];
      }
    });
  }

  function submitOnChange(event) {
    // Replaces inline onchange handlers, which the Content-Security-Policy forbids.
    var field = event.target;
    if (field.form && field.hasAttribute && field.hasAttribute("data-ph-submit-on-change")) {
      field.form.requestSubmit();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    collapseFilterPanelsOnSmallScreens();
    if (window.ECL && typeof window.ECL.autoInit === "function") {
      window.ECL.autoInit();
    }
  });
  document.addEventListener("change", submitOnChange);
  document.addEventListener("htmx:configRequest", dropEmptyParameters);
  document.addEventListener("htmx:afterSwap", moveFocusToResults);
})();
