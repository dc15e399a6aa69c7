/* The reception page: the list of what to complete follows the mandatory documents left
   unticked (until the officer writes it), the postal address shows only for return by post,
   and one click ticks every mandatory document. */
(function () {
  "use strict";

  function mandatoryBoxes() {
    return document.querySelectorAll("input[name='documents_received'][data-mandatory]");
  }

  function refreshMissing() {
    var box = document.getElementById("id_missing");
    if (!box || box.dataset.touched === "1") { return; }
    var names = [];
    mandatoryBoxes().forEach(function (input) {
      if (!input.checked) { names.push(input.dataset.name); }
    });
    box.value = names.join("\n");
  }

  function refreshReturn() {
    var wrap = document.getElementById("return-address");
    if (!wrap) { return; }
    var post = document.querySelector("input[name='return_method'][value='post']");
    wrap.hidden = !(post && post.checked);
  }

  document.addEventListener("input", function (event) {
    if (event.target.id === "id_missing") { event.target.dataset.touched = "1"; }
  });
  document.addEventListener("change", function (event) {
    if (event.target.name === "documents_received") { refreshMissing(); }
    if (event.target.name === "return_method") { refreshReturn(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tick-mandatory]");
    if (!button) { return; }
    mandatoryBoxes().forEach(function (input) { input.checked = true; });
    refreshMissing();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id === "procedure-block") { refreshMissing(); refreshReturn(); }
  });
  refreshReturn();
}());
