/* The neighbourhood picture of an entity page, drawn by Cytoscape.js (served by aifkg) from the JSON the
   page embeds. Everything else on the page works without JavaScript.

   The picture never takes the page's scroll: the mouse wheel scrolls the page, zooming is done with the
   buttons or Ctrl + wheel, and on a touch screen a swipe scrolls the page unless the reader zoomed in.
   Colours come from the legend's swatches in entity.css, so the legend and the picture always agree. */
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

  // the colour of each kind, as the legend shows it
  var colours = {};
  function colourOf(kind) {
    if (!(kind in colours)) {
      var probe = document.createElement("span");
      probe.className = "swatch kind-" + kind;
      probe.hidden = false;
      document.body.appendChild(probe);
      colours[kind] = window.getComputedStyle(probe).backgroundColor || "#555555";
      probe.remove();
    }
    return colours[kind];
  }

  // Neighbours grouped by kind, on rings around the resource: each ring holds only as many as fit side by
  // side with their labels, the rings are flattened into ellipses (labels are wide and short, so the
  // picture can use the page's width), and every other ring is turned by half a step so that no line
  // from the centre runs through a label on an inner ring.
  var neighbours = elements.nodes.filter(function (node) { return !node.data.self; });
  neighbours.sort(function (a, b) {
    return a.data.kind === b.data.kind ? a.data.label.localeCompare(b.data.label) : a.data.kind.localeCompare(b.data.kind);
  });
  var LABEL_SPACE = 165; // px along a ring per node, a little more than a label's width
  var rings = [];
  var remaining = neighbours.slice();
  var radius = 0;
  while (remaining.length) {
    radius = Math.max(radius + 150, 180);
    var capacity = Math.max(6, Math.floor(2 * Math.PI * radius / LABEL_SPACE));
    rings.push({ radius: radius, nodes: remaining.splice(0, capacity) });
  }
  var box = { w: Math.max(container.clientWidth, 300), h: Math.max(container.clientHeight, 200) };
  var flatten = Math.min(1, Math.max(0.45, box.h / box.w));
  var positions = {};
  elements.nodes.forEach(function (node) { if (node.data.self) { positions[node.data.id] = { x: 0, y: 0 }; } });
  rings.forEach(function (ring, index) {
    var count = ring.nodes.length;
    ring.nodes.forEach(function (node, i) {
      var angle = -Math.PI / 2 + 2 * Math.PI * (i + (index % 2 ? 0.5 : 0)) / count;
      positions[node.data.id] = { x: ring.radius * Math.cos(angle), y: ring.radius * flatten * Math.sin(angle) };
    });
  });

  var phone = window.matchMedia("(pointer: coarse)").matches;
  var narrow = container.clientWidth < 640;
  var cy = window.cytoscape({
    container: container,
    elements: elements,
    maxZoom: 3,
    minZoom: 0.2,
    userZoomingEnabled: false, // the wheel scrolls the page; zoom with the buttons or Ctrl + wheel
    userPanningEnabled: !phone, // a swipe scrolls the page; see the zoom buttons below
    boxSelectionEnabled: false,
    autoungrabify: true,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": narrow ? 13 : 11, "color": "#1a1a2e", "text-valign": "bottom",
          "text-margin-y": 3, "text-wrap": "wrap", "text-max-width": narrow ? 110 : 145, "width": 14, "height": 14,
          "text-background-color": "#f4f6fa", "text-background-opacity": 0.85, "text-background-padding": 1,
          "min-zoomed-font-size": 8, // smaller labels are hidden, not smudged: zoom in to read them
          "background-color": function (node) { return colourOf(node.data("kind")); } } },
      { selector: "node[?self]", style: { "width": 26, "height": 26, "font-weight": "bold", "font-size": narrow ? 14 : 13 } },
      { selector: "edge", style: {
          "width": 1.5, "line-color": "#5f6477", "target-arrow-color": "#5f6477", "target-arrow-shape": "triangle",
          "curve-style": "straight", "label": "", "font-size": 10, "color": "#1a1a2e",
          "text-rotation": "autorotate", "text-background-color": "#ffffff", "text-background-opacity": 0.9 } },
      { selector: "edge.named", style: { "label": "data(label)", "line-color": "#0b4f9c", "target-arrow-color": "#0b4f9c", "z-index": 10 } },
      { selector: "edge[?inferred]", style: { "line-style": "dashed" } }
    ],
    layout: { name: "preset", positions: function (node) { return positions[node.id()]; }, fit: true, padding: 16 }
  });
  if (cy.zoom() > 1.2) {
    cy.zoom(1.2); // a small neighbourhood is not blown up
    cy.center();
  }

  // names of the links show when the pointer is on a node (or the node has the focus of a tap)
  cy.on("mouseover", "node", function (event) {
    event.target.connectedEdges().addClass("named");
    container.style.cursor = "pointer";
    container.title = event.target.data("label");
  });
  cy.on("mouseout", "node", function (event) {
    event.target.connectedEdges().removeClass("named");
    container.style.cursor = "";
    container.removeAttribute("title");
  });
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    if (href && (href.charAt(0) === "/" || /^https?:/i.test(href)) && !event.target.data("self")) {
      window.location.assign(href);
    }
  });

  // On a touch screen the picture lets every touch through to the page (a swipe scrolls it) until the reader
  // zooms in with the buttons; then a finger moves the picture, and "Fit" gives the page its swipes back.
  function touchMode() {
    var zoomedIn = cy.zoom() > fitted * 1.01;
    cy.userPanningEnabled(!phone || zoomedIn);
    container.classList.toggle("passive", phone && !zoomedIn);
  }

  function zoomBy(factor, point) {
    var level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
    cy.zoom({ level: level, renderedPosition: point || { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
    touchMode();
  }

  var fitted = cy.zoom();
  touchMode();
  var tools = document.querySelector(".graph-tools");
  if (tools) {
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) {
        return;
      }
      var action = button.getAttribute("data-zoom");
      if (action === "fit") {
        cy.fit(undefined, 12);
        fitted = cy.zoom();
        touchMode();
      } else {
        zoomBy(action === "in" ? 1.25 : 0.8);
      }
    });
  }
  // Ctrl + wheel (and a trackpad's pinch, which browsers report as Ctrl + wheel) zooms; a plain wheel is left
  // to the page
  container.addEventListener("wheel", function (event) {
    if (!event.ctrlKey) {
      return;
    }
    event.preventDefault();
    var box = container.getBoundingClientRect();
    zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1, { x: event.clientX - box.left, y: event.clientY - box.top });
  }, { passive: false });

  container.setAttribute("data-drawn", String(cy.nodes().length));
  window.aifkgNeighbourhood = cy; // for the browser tests
})();
