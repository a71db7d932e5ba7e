// Table pages, read in ten seconds (loaded as a module: it runs once the page is parsed).
// 1. The long column-description list folds into one <details> line, and each description
//    becomes its header's tooltip.
// 2. On parsed tables, bookkeeping columns (rowid link, bbox, table and row index, parser
//    version) are hidden behind a "show" button, and the provenance columns (document,
//    page) move after the report's own columns. CSV and JSON keep every column.
(function () {
  var BOOKKEEPING = ["Link", "rowid", "bbox", "table_index", "row_index", "parser_version"];
  var PROVENANCE = ["document", "page"];
  var help = {};
  var dl = document.querySelector("dl.column-descriptions");
  if (dl) {
    dl.querySelectorAll("dt").forEach(function (dt) {
      var dd = dt.nextElementSibling;
      if (dd) { help[dt.textContent.trim()] = dd.textContent.trim(); }
    });
    var details = document.createElement("details");
    details.className = "column-help";
    var summary = document.createElement("summary");
    summary.textContent = "What the columns mean (" + Object.keys(help).length + ")";
    details.appendChild(summary);
    dl.parentNode.insertBefore(details, dl);
    details.appendChild(dl);
  }
  var table = document.querySelector("table.rows-and-columns");
  if (!table) { return; }
  table.querySelectorAll("th[data-column]").forEach(function (th) {
    var text = help[th.getAttribute("data-column")];
    if (text) { th.title = text; }
  });
  var columns = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
    return th.getAttribute("data-column") || th.textContent.trim();
  });
  var parsed = columns.indexOf("row_index") >= 0 && columns.indexOf("document") >= 0;
  if (!parsed) { return; }
  var moved = PROVENANCE.filter(function (c) { return columns.indexOf(c) >= 0; });
  table.querySelectorAll("tr").forEach(function (tr) {
    var cells = Array.prototype.slice.call(tr.children);
    cells.forEach(function (cell, i) {
      if (BOOKKEEPING.indexOf(columns[i]) >= 0) { cell.classList.add("bookkeeping"); }
    });
    moved.forEach(function (c) { tr.appendChild(cells[columns.indexOf(c)]); });
  });
  document.body.classList.add("hide-bookkeeping");
  var hidden = BOOKKEEPING.filter(function (c) { return columns.indexOf(c) >= 0; });
  var button = document.createElement("button");
  button.type = "button";
  button.className = "bookkeeping-toggle";
  button.textContent = "Show bookkeeping columns (" + hidden.join(", ") + ")";
  button.addEventListener("click", function () {
    var hide = document.body.classList.toggle("hide-bookkeeping");
    button.textContent = (hide ? "Show" : "Hide") + " bookkeeping columns (" + hidden.join(", ") + ")";
  });
  var wrapper = table.parentNode;
  wrapper.parentNode.insertBefore(button, wrapper);
})();
