/* The neighbourhood picture of an entity page, drawn by Cytoscape.js (served by aifkg) from the JSON the
   page embeds. Everything else on the page works without JavaScript. */
(function () {
  "use strict";

  var container = document.getElementById("neighbourhood");
  var data = document.getElementById("neighbourhood-data");
  if (!container || !data || typeof window.cytoscape === "undefined") {
    return;
  }
  var elements = JSON.parse(data.textContent);
  var fallback = container.querySelector(".needs-js");
  if (fallback) {
    fallback.remove(); // the picture is coming
  }
  var palette = {
    factory: "#0b4f9c", antenna: "#2a7f62", organisation: "#7a3e9d", system: "#b35900",
    country: "#a8323e", city: "#a8323e", partnership: "#5c5c00", round: "#3d5a80", other: "#555555"
  };

  var crowded = elements.nodes.length > 12; // then edge names show on hover only, or they overlap
  var cy = window.cytoscape({
    container: container,
    elements: elements,
    maxZoom: 2,
    minZoom: 0.3,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "color": "#1a1a2e", "text-valign": "bottom", "text-margin-y": 4,
          "text-wrap": "ellipsis", "text-max-width": 150, "width": 16, "height": 16,
          "background-color": function (node) { return palette[node.data("kind")] || palette.other; } } },
      { selector: "node[?self]", style: { "width": 28, "height": 28, "font-weight": "bold", "font-size": 13 } },
      { selector: "edge", style: {
          "width": 1.5, "line-color": "#8a8fa3", "target-arrow-color": "#8a8fa3", "target-arrow-shape": "triangle",
          "curve-style": "bezier", "label": crowded ? "" : "data(label)", "font-size": 9, "color": "#4a4a5a",
          "text-rotation": "autorotate", "text-background-color": "#ffffff", "text-background-opacity": 0.8 } },
      { selector: "edge.named", style: { "label": "data(label)", "line-color": "#0b4f9c", "z-index": 10 } },
      { selector: "edge[?inferred]", style: { "line-style": "dashed" } }
    ],
    layout: { name: "concentric", concentric: function (node) { return node.data("self") ? 2 : 1; },
              levelWidth: function () { return 1; }, minNodeSpacing: crowded ? 40 : 60,
              spacingFactor: crowded ? 1 : 1.5, padding: 20, animate: false }
  });

  cy.on("mouseover", "node", function (event) { event.target.connectedEdges().addClass("named"); });
  cy.on("mouseout", "node", function (event) { event.target.connectedEdges().removeClass("named"); });
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    if (href && (href.charAt(0) === "/" || /^https?:/i.test(href)) && !event.target.data("self")) {
      window.location.assign(href);
    }
  });
  cy.on("mouseover", "node", function () { container.style.cursor = "pointer"; });
  cy.on("mouseout", "node", function () { container.style.cursor = ""; });
  container.setAttribute("data-drawn", String(cy.nodes().length));
})();
