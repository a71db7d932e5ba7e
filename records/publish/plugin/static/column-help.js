// Table pages: fold the long column-description list into a <details> so the rows and
// facets are on the first screen, and repeat each description as its header's tooltip.
(function () {
  var dl = document.querySelector("dl.column-descriptions");
  if (!dl) { return; }
  var help = {};
  dl.querySelectorAll("dt").forEach(function (dt) {
    var dd = dt.nextElementSibling;
    if (dd) { help[dt.textContent.trim()] = dd.textContent.trim(); }
  });
  document.querySelectorAll("table.rows-and-columns th[data-column]").forEach(function (th) {
    var text = help[th.getAttribute("data-column")];
    if (text) { th.title = text; }
  });
  var details = document.createElement("details");
  details.className = "column-help";
  var summary = document.createElement("summary");
  summary.textContent = "What the columns mean (" + Object.keys(help).length + ")";
  details.appendChild(summary);
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(dl);
})();
