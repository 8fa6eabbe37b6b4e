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

  function labelTableCells(root) {
    // A stacked table (phones) shows each cell under its column's name: cells
    // that do not name their column take it from the table's header row.
    (root || document).querySelectorAll("main table").forEach(function (table) {
      var headers = table.querySelectorAll("thead tr:last-child th");
      if (!headers.length) {
        return;
      }
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          var header = headers[column];
          if (header && !cell.hasAttribute("data-ecl-table-header") && header.textContent.trim()) {
            cell.setAttribute("data-ecl-table-header", header.textContent.trim());
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function addSearchBoxes() {
    // A long list (countries, organisations) gets a search box that hides the options
    // that do not match; the list itself stays the form's field.
    document.querySelectorAll("select[data-ph-searchable]").forEach(function (select) {
      var box = document.createElement("input");
      box.type = "search";
      box.className = "ecl-text-input ecl-text-input--m ph-option-search";
      box.setAttribute("aria-label", select.getAttribute("data-ph-searchable"));
      box.setAttribute("aria-controls", select.id);
      box.addEventListener("input", function () {
        var wanted = folded(box.value.trim());
        Array.prototype.forEach.call(select.options, function (option) {
          option.hidden = wanted !== "" && !option.selected && folded(option.text).indexOf(wanted) === -1;
        });
      });
      // Typing filters the list; it is no change of the filters themselves.
      box.addEventListener("change", function (event) {
        event.stopPropagation();
      });
      select.parentNode.insertBefore(box, select);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelTableCells();
    addSearchBoxes();
    collapseFilterPanelsOnSmallScreens();
    if (window.ECL && typeof window.ECL.autoInit === "function") {
      window.ECL.autoInit();
    }
  });
  document.addEventListener("change", submitOnChange);
  document.addEventListener("htmx:configRequest", dropEmptyParameters);
  document.addEventListener("htmx:afterSwap", moveFocusToResults);
  document.addEventListener("htmx:afterSwap", function (event) {
    labelTableCells(event.detail.target);
  });
})();
