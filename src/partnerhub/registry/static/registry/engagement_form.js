/* The engagement form without a framework: add and remove formset rows, show
   the "restricted" fields only for that level, and bring the error summary
   into focus. Without JavaScript the form still works: one blank row per
   group and a "Remove this row" checkbox. */
(function () {
  "use strict";

  function fromTemplate(template, index) {
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  function firstInput(row) {
    return row.querySelector("input:not([type=hidden]):not([type=checkbox]), select, textarea");
  }

  function setUpRow(row, addButton) {
    var deleteBox = row.querySelector("[data-formset-delete]");
    var removeButton = row.querySelector("[data-formset-remove]");
    if (!deleteBox || !removeButton) {
      return;
    }
    var checkbox = deleteBox.querySelector("input[type=checkbox]");
    deleteBox.hidden = true;
    removeButton.hidden = false;
    row.hidden = checkbox.checked;
    removeButton.addEventListener("click", function () {
      checkbox.checked = true;
      row.hidden = true;
      addButton.focus();
    });
  }

  function setUpFormset(fieldset) {
    var prefix = fieldset.getAttribute("data-formset-prefix");
    var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var rows = fieldset.querySelector("[data-formset-rows]");
    var template = fieldset.querySelector("template[data-formset-template]");
    var addButton = fieldset.querySelector("[data-formset-add]");
    if (!total || !rows || !template || !addButton) {
      return;
    }
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var row = fromTemplate(template, index);
      rows.appendChild(row);
      total.value = String(index + 1);
      setUpRow(row, addButton);
      var input = firstInput(row);
      if (input) {
        input.focus();
      }
    });
    rows.querySelectorAll("[data-formset-row]").forEach(function (row) {
      setUpRow(row, addButton);
    });
  }

  function setUpSharing(form) {
    var restricted = form.querySelector("[data-restricted-only]");
    var radios = form.querySelectorAll("input[name='sharing_level']");
    if (!restricted || !radios.length) {
      return;
    }
    function update() {
      var chosen = form.querySelector("input[name='sharing_level']:checked");
      restricted.hidden = !chosen || chosen.value !== "restricted";
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  var form = document.getElementById("engagement-form");
  if (!form) {
    return;
  }
  form.querySelectorAll("[data-formset-prefix]").forEach(setUpFormset);
  setUpSharing(form);
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
