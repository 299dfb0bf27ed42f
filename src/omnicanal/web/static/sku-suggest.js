// Suggestions for a SKU field while it is typed in: the catalog search's best products fill the
// field's datalist. Without this script the field is a plain SKU field.
(function () {
  "use strict";
  var DELAY_MS = 150;

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    var timer = null;
    var last = "";
    if (!list || !url) return;

    function fill(items) {
      while (list.firstChild) list.removeChild(list.firstChild);
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.sku;
        option.label = item.name;
        option.textContent = item.name;
        list.appendChild(option);
      });
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      clearTimeout(timer);
      if (query.length < 2 || query === last) return;
      timer = setTimeout(function () {
        last = query;
        fetch(url + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (items) { if (input.value.trim() === query) fill(items); })
          .catch(function () { /* a plain field still works */ });
      }, DELAY_MS);
    });
  }

  document.querySelectorAll("input[data-suggest][list]").forEach(attach);
})();
