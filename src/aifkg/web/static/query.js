/* The query page: YASGUI (served by aifkg, no CDN) replaces the plain form, which stays the page without
   JavaScript. The examples, the share link and the download links follow the editor's query.

   What this adds to the stock editor:
   - the server's prefixes are predefined: the editor knows them (no "prefix not defined" mark), and a
     query that uses one without declaring it is sent with the declaration added;
   - completion of classes and properties from the ontology itself (/ontology/terms.json), never from an
     outside service: YASQE's own class and property completers (which ask lov.linkeddata.es) are replaced;
   - labels beside IRIs in the results, asked from this endpoint;
   - a chart view for results that count something per thing, and a map view for results with coordinates,
     drawn on the /map page's base map (country outlines and projection from /map/base.json);
   - names for the controls YASGUI leaves unlabelled;
   - the page's language: the server puts the words this script shows (and, in German, translations of
     the editor library's own texts) into the page's JSON configuration;
   - only the SPARQL protocol's own parameters in requests (YASGUI copies the page's URL parameters). */
(function () {
  "use strict";

  var configElement = document.getElementById("query-config");
  var mount = document.getElementById("yasgui");
  var textarea = document.getElementById("query");
  if (!configElement || !mount || !textarea || typeof window.Yasgui === "undefined") {
    return; // the plain form keeps working
  }
  var config = JSON.parse(configElement.textContent);
  var words = config.words || {};
  var translations = (config.translations || []).map(function (pair) { return [new RegExp(pair[0]), pair[1]]; });
  var language = document.documentElement.lang || "en";
  var Yasgui = window.Yasgui;
  var Yasqe = window.Yasqe;
  var Yasr = window.Yasr;
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var SVG = "http://www.w3.org/2000/svg";
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;

  var prefixes = {};
  Object.keys(config.prefixes).forEach(function (name) { prefixes[name] = config.prefixes[name]; });
  if (!prefixes.id) {
    prefixes.id = config.idBase; // shortens our own IRIs in the results
  }

  // ---- predefined prefixes ----

  // The editor's SPARQL mode starts every query knowing our prefixes.
  var CodeMirror = Object.getPrototypeOf(Yasqe);
  if (CodeMirror && CodeMirror.modes && CodeMirror.modes.sparql11 && CodeMirror.defineMode) {
    var original = CodeMirror.modes.sparql11;
    CodeMirror.defineMode("sparql11", function (cmConfig, modeConfig) {
      var mode = original(cmConfig, modeConfig);
      var startState = mode.startState;
      mode.startState = function () {
        var state = startState.apply(mode, arguments);
        Object.keys(prefixes).forEach(function (name) {
          if (state.prefixes && state.prefixes[name] === undefined) {
            state.prefixes[name] = prefixes[name];
          }
        });
        return state;
      };
      return mode;
    });
  }

  // The declarations a query needs for the predefined prefixes it uses but does not declare.
  function withPrefixes(text) {
    var declared = {};
    var declaration = /PREFIX\s+([A-Za-z][\w.-]*)?:/gi;
    var match;
    while ((match = declaration.exec(text)) !== null) {
      declared[match[1] || ""] = true;
    }
    var missing = Object.keys(prefixes).filter(function (name) {
      return !declared[name] && new RegExp("(^|[\\s({;,./^|!*+?=])" + name + ":", "m").test(text);
    });
    return missing.map(function (name) { return "PREFIX " + name + ": <" + prefixes[name] + ">\n"; }).join("") + text;
  }

  // ---- completion from the ontology ----

  var termsRequest = null;
  var termLabels = {};
  function ontologyTerms() {
    if (!termsRequest) {
      termsRequest = fetch("/ontology/terms.json?lang=" + encodeURIComponent(language))
        .then(function (response) { return response.ok ? response.json() : { terms: [] }; })
        .then(function (data) {
          data.terms.forEach(function (term) {
            termLabels[term.iri] = term.label;
            termLabels[term.prefixed] = term.label;
          });
          return data.terms;
        })
        .catch(function () { return []; });
    }
    return termsRequest;
  }
  function completeTerms(kind) {
    return function (yasqe, token) {
      var typed = ((token && token.autocompletionString) || "").toLowerCase();
      var shortTyped = ((token && token.string) || "").toLowerCase();
      return ontologyTerms().then(function (terms) {
        return terms.filter(function (term) {
          return term.kind === kind && (term.iri.toLowerCase().indexOf(typed) === 0 ||
            term.prefixed.toLowerCase().indexOf(shortTyped) === 0 ||
            (term.label && shortTyped.length > 1 && term.label.toLowerCase().indexOf(shortTyped) >= 0));
        }).map(function (term) { return term.iri; });
      });
    };
  }
  function labelHints(yasqe, hints) {
    return hints.map(function (hint) {
      var label = termLabels[hint.text] || termLabels[String(hint.text).replace(/^<|>$/g, "")];
      if (label) {
        hint.displayText = hint.text + " — " + label;
      }
      return hint;
    });
  }
  var prefixList = Object.keys(prefixes).sort().map(function (name) { return name + ": <" + prefixes[name] + ">"; });
  // Same names as YASQE's own completers, so nothing can switch the outside ones back on.
  Yasqe.forkAutocompleter("prefixes", { name: "prefixes", get: function () { return Promise.resolve(prefixList); }, persistenceId: null }, false);
  Yasqe.forkAutocompleter("class", { name: "class", get: completeTerms("class"), postprocessHints: labelHints }, false);
  Yasqe.forkAutocompleter("property", { name: "property", get: completeTerms("property"), postprocessHints: labelHints }, false);
  Yasqe.defaults.autocompleters = ["variables", "prefixes", "class", "property"];
  Yasr.plugins.table.defaults.openIriInNewWindow = false;
  if (config.tableLanguage && Object.keys(config.tableLanguage).length) {
    var tableConfig = Yasr.plugins.table.defaults.tableConfig || {};
    tableConfig.language = Object.assign({}, tableConfig.language || {}, config.tableLanguage);
    Yasr.plugins.table.defaults.tableConfig = tableConfig;
  }
  // YASR's own views, named in the page's language
  function relabel(name, label) {
    var Base = Yasr.plugins[name];
    if (!Base || !label) {
      return;
    }
    var Named = class extends Base {
      constructor(yasr) {
        super(yasr);
        this.label = label;
      }
    };
    Yasr.registerPlugin(name, Named);
  }
  relabel("table", words.table);
  relabel("response", words.response);

  // ---- labels beside IRIs ----

  var labels = {}; // IRI -> label ("" while asked or when it has none)
  function askLabels(iris) {
    var wanted = iris.filter(function (iri) {
      return !(iri in labels) && /^https?:\/\/[^\s<>"{}|\\^`]+$/.test(iri);
    }).slice(0, 300);
    if (!wanted.length) {
      return Promise.resolve(false);
    }
    wanted.forEach(function (iri) { labels[iri] = ""; });
    var query = "SELECT ?s ?label WHERE { VALUES ?s { " + wanted.map(function (iri) { return "<" + iri + ">"; }).join(" ") +
      " } ?s <http://www.w3.org/2000/01/rdf-schema#label>|<http://purl.org/dc/terms/title> ?label " +
      'FILTER(lang(?label) = "" || langMatches(lang(?label), "' + language + '") || langMatches(lang(?label), "en")) }';
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: new URLSearchParams({ query: query }).toString()
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) {
          return false;
        }
        data.results.bindings.forEach(function (row) {
          var iri = row.s.value;
          if (!labels[iri] || row.label["xml:lang"] === language) {
            labels[iri] = row.label.value;
          }
        });
        return true;
      }).catch(function () { return false; });
  }
  function iriOf(link) {
    return link.getAttribute("data-iri") || link.getAttribute("href") || "";
  }
  function showLabels(root) {
    var links = Array.prototype.slice.call(root.querySelectorAll(".yasr a.iri"));
    links.forEach(function (link) {
      var label = labels[iriOf(link)];
      var next = link.nextElementSibling;
      if (label && !(next && next.classList.contains("iri-label"))) {
        var span = document.createElement("span");
        span.className = "iri-label";
        span.textContent = label;
        link.insertAdjacentElement("afterend", span);
      }
    });
    return links;
  }

  // Our own IRIs open this server's pages (settings decide the base, not this file).
  function localHref(iri) {
    if (iri.indexOf(config.idBase) === 0) {
      return "/id/" + iri.slice(config.idBase.length);
    }
    if (iri.indexOf(config.ontologyIri) === 0) {
      return "/ontology" + iri.slice(config.ontologyIri.length);
    }
    return null;
  }
  function relinkResults(root) {
    var links = root.querySelectorAll("a.iri:not([data-iri])");
    for (var i = 0; i < links.length; i++) {
      var iri = links[i].getAttribute("href") || "";
      links[i].setAttribute("data-iri", iri);
      var local = localHref(iri);
      if (local) {
        links[i].setAttribute("href", local);
        links[i].removeAttribute("target");
      }
    }
  }

  // names for the controls YASGUI and YASR leave unlabelled
  function labelControls(root) {
    var named = [
      [".controlbar input.autocomplete", words.endpoint || "SPARQL endpoint"],
      [".yasqe .CodeMirror textarea", words.editor || "SPARQL query"],
      [".yasr .pageSizeWrapper select, .yasr select", words.page_size || "Rows per page"],
      [".yasr .tableFilter, .yasr input[type=text]", words.filter || "Filter the results"]
    ];
    named.forEach(function (pair) {
      var found = root.querySelectorAll(pair[0]);
      for (var i = 0; i < found.length; i++) {
        if (!found[i].hasAttribute("aria-label") && !(found[i].labels && found[i].labels.length)) {
          found[i].setAttribute("aria-label", pair[1]);
        }
      }
    });
    var switchedOff = root.querySelectorAll(".yasr_btn");
    for (var k = 0; k < switchedOff.length; k++) {
      if (switchedOff[k].classList.contains("disabled")) {
        switchedOff[k].setAttribute("aria-disabled", "true");
      } else {
        switchedOff[k].removeAttribute("aria-disabled");
      }
    }
    var scrollers = root.querySelectorAll(".CodeMirror-scroll");
    for (var j = 0; j < scrollers.length; j++) {
      scrollers[j].setAttribute("tabindex", "-1");
    }
  }

  // The editor library's texts in the page's language (German: pattern and replacement pairs from the
  // server). Result values, the query and our own figures are left alone.
  var UNTOUCHED = ".CodeMirror-lines, .CodeMirror-hints, .dataTable tbody, .result-figure, pre";
  var decimalMark = (1.5).toLocaleString(language).charAt(1);
  function translate(text) {
    for (var i = 0; i < translations.length; i++) {
      if (translations[i][0].test(text)) {
        return text.replace(translations[i][0], translations[i][1]);
      }
    }
    return text;
  }
  function translateTexts(root) {
    if (!translations.length) {
      return;
    }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode()) !== null) {
      var parent = node.parentElement;
      if (!parent || parent.closest(UNTOUCHED)) {
        continue;
      }
      var text = node.nodeValue;
      var trimmed = text.trim();
      var changed = trimmed ? translate(trimmed) : trimmed;
      if (changed !== trimmed && parent.closest(".yasr_response_chip")) {
        changed = changed.replace(/(\d)\.(\d)/g, "$1" + decimalMark + "$2"); // "0,05 Sekunden"
      }
      if (changed !== trimmed) {
        node.nodeValue = text.replace(trimmed, changed);
      }
    }
    ["title", "aria-label", "placeholder"].forEach(function (name) {
      var found = root.querySelectorAll("[" + name + "]");
      for (var j = 0; j < found.length; j++) {
        if (found[j].closest(UNTOUCHED)) {
          continue;
        }
        var value = found[j].getAttribute(name);
        var translated = translate(value.trim());
        if (translated !== value.trim()) {
          found[j].setAttribute(name, translated);
        }
      }
    });
  }

  // YASR's "Simple view" (values without RDF syntax) is switched on once, the first time the table shows;
  // the reader can switch it off again
  var simpleViewSet = false;
  function simpleView(root) {
    if (simpleViewSet) {
      return;
    }
    var label = Array.prototype.filter.call(root.querySelectorAll(".yasr .tableControls .switch"), function (element) {
      return element.textContent.trim() === "Simple view" || element.textContent.trim() === translate("Simple view");
    })[0];
    var box = label && label.querySelector("input[type=checkbox]");
    if (box) {
      simpleViewSet = true;
      if (!box.checked) {
        box.click();
      }
    }
  }

  var pending = false;
  function afterChange() {
    if (pending) {
      return;
    }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      simpleView(mount);
      relinkResults(mount);
      labelControls(mount);
      translateTexts(mount);
      var links = showLabels(mount);
      askLabels(links.map(iriOf)).then(function (asked) {
        if (asked) {
          showLabels(mount);
          redrawChart();
        }
      });
    });
  }

  // ---- chart and map views ----

  function valueText(term) {
    if (!term) {
      return "";
    }
    if (term.type === "uri") {
      if (labels[term.value]) {
        return labels[term.value];
      }
      var names = Object.keys(prefixes);
      for (var i = 0; i < names.length; i++) {
        if (term.value.indexOf(prefixes[names[i]]) === 0) {
          return names[i] + ":" + term.value.slice(prefixes[names[i]].length);
        }
      }
    }
    return term.value;
  }
  function isNumber(term) {
    return term && term.type !== "uri" && term.type !== "bnode" && term.datatype && NUMERIC.test(term.datatype) && isFinite(Number(term.value));
  }
  function svgElement(name, attributes, text) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (text !== undefined) {
      element.textContent = text;
    }
    return element;
  }
  function shorten(text, most) {
    return text.length > most ? text.slice(0, most - 1) + "…" : text;
  }

  // Whether a view can show these results; a result of another shape (ASK, a graph) never breaks YASR.
  function safely(reader, results) {
    try {
      return !!reader(results);
    } catch (error) {
      return false;
    }
  }

  // Counts per thing: one numeric variable and a variable naming the thing, up to 60 rows.
  function chartData(results) {
    if (!results || !results.getVariables || !results.getBindings) {
      return null;
    }
    var variables = results.getVariables() || [];
    var rows = results.getBindings() || [];
    if (variables.length < 2 || rows.length === 0 || rows.length > 60) {
      return null;
    }
    var numeric = variables.filter(function (name) { return rows.every(function (row) { return isNumber(row[name]); }); });
    var named = variables.filter(function (name) { return numeric.indexOf(name) < 0; });
    if (numeric.length !== 1 || named.length === 0) {
      return null;
    }
    return { value: numeric[0], name: named[0], rows: rows };
  }

  var chartYasr = null;
  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 4;
    this.label = words.chart || "Chart";
  }
  ChartPlugin.prototype.canHandleResults = function () { return safely(chartData, this.yasr.results); };
  ChartPlugin.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.className = "view-icon";
    icon.textContent = "▤";
    icon.setAttribute("aria-hidden", "true");
    return icon;
  };
  ChartPlugin.prototype.draw = function () {
    chartYasr = this.yasr;
    drawChart(this.yasr);
  };
  function drawChart(yasr) {
    var data = chartData(yasr.results);
    var target = yasr.resultsEl;
    target.textContent = "";
    if (!data) {
      return;
    }
    var rowHeight = 26;
    var labelWidth = 300;
    var barWidth = 520;
    var most = Math.max.apply(null, data.rows.map(function (row) { return Number(row[data.value].value); }).concat([0]));
    var height = data.rows.length * rowHeight + 30;
    var svg = svgElement("svg", {
      "class": "result-chart", "viewBox": "0 0 " + (labelWidth + barWidth + 90) + " " + height,
      "role": "img", "width": "100%"
    });
    var description = [];
    data.rows.forEach(function (row, index) {
      var name = valueText(row[data.name]);
      var value = Number(row[data.value].value);
      description.push(name + ": " + value.toLocaleString(language));
      var y = 10 + index * rowHeight;
      var width = most > 0 ? Math.max(1, value / most * barWidth) : 1;
      var label = svgElement("text", { x: labelWidth - 8, y: y + rowHeight * 0.62, "text-anchor": "end", "class": "chart-label" }, shorten(name, 42));
      label.appendChild(svgElement("title", {}, name));
      svg.appendChild(label);
      svg.appendChild(svgElement("rect", { x: labelWidth, y: y + 4, width: width, height: rowHeight - 8, rx: 2, "class": "chart-bar" }));
      svg.appendChild(svgElement("text", { x: labelWidth + width + 6, y: y + rowHeight * 0.62, "class": "chart-value" }, value.toLocaleString(language)));
    });
    var title = (words.chart_title || "{value} per {name}: {rows}").replace("{value}", data.value)
      .replace("{name}", data.name).replace("{rows}", description.join(", "));
    svg.insertBefore(svgElement("title", {}, title), svg.firstChild);
    var figure = document.createElement("figure");
    figure.className = "result-figure";
    figure.appendChild(svg);
    var caption = document.createElement("figcaption");
    caption.textContent = data.value + " / " + data.name;
    figure.appendChild(caption);
    target.appendChild(figure);
  }
  function redrawChart() {
    if (chartYasr && chartYasr.getSelectedPluginName() === "chart") {
      drawChart(chartYasr);
    }
  }

  // Coordinates: variables named lat and long (or latitude/longitude/lon/lng), or a WKT point.
  function mapData(results) {
    if (!results || !results.getVariables || !results.getBindings) {
      return null;
    }
    var variables = results.getVariables() || [];
    var rows = results.getBindings() || [];
    if (!rows.length) {
      return null;
    }
    var lat = variables.filter(function (name) { return /^(lat|latitude)$/i.test(name); })[0];
    var long = variables.filter(function (name) { return /^(long|lon|lng|longitude)$/i.test(name); })[0];
    var wkt = variables.filter(function (name) {
      return rows.every(function (row) { return row[name] && /^\s*POINT\s*\(/i.test(row[name].value); });
    })[0];
    if (!(lat && long) && !wkt) {
      return null;
    }
    var named = variables.filter(function (name) { return name !== lat && name !== long && name !== wkt; })[0];
    var points = [];
    rows.forEach(function (row) {
      var x;
      var y;
      if (lat && long && row[lat] && row[long]) {
        y = Number(row[lat].value);
        x = Number(row[long].value);
      } else if (wkt && row[wkt]) {
        var parts = row[wkt].value.replace(/^\s*POINT\s*\(/i, "").replace(/\).*$/, "").trim().split(/\s+/);
        x = Number(parts[0]);
        y = Number(parts[1]);
      }
      if (isFinite(x) && isFinite(y) && Math.abs(y) <= 90 && Math.abs(x) <= 180) {
        points.push({ x: x, y: y, name: named ? valueText(row[named]) : "", href: named && row[named] && row[named].type === "uri" ? localHref(row[named].value) : null });
      }
    });
    return points.length ? points : null;
  }

  function MapPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 3;
    this.label = words.map || "Map";
  }
  MapPlugin.prototype.canHandleResults = function () { return safely(mapData, this.yasr.results); };
  MapPlugin.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.className = "view-icon";
    icon.textContent = "◉";
    icon.setAttribute("aria-hidden", "true");
    return icon;
  };
  // The /map page's base map, asked once: country outlines in pixels and the projection that made them.
  var baseMapRequest = null;
  function baseMap() {
    if (!baseMapRequest) {
      baseMapRequest = fetch(config.baseMap)
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; });
    }
    return baseMapRequest;
  }
  // Lambert azimuthal equal-area around the base map's centre, then to its pixels (as geo.py does)
  function project(base, long, lat) {
    var rad = Math.PI / 180;
    var lam = (long - base.centre[0]) * rad;
    var phi = lat * rad;
    var phi0 = base.centre[1] * rad;
    var cosC = Math.sin(phi0) * Math.sin(phi) + Math.cos(phi0) * Math.cos(phi) * Math.cos(lam);
    var k = Math.sqrt(2 / Math.max(1 + cosC, 1e-9));
    var x = k * Math.cos(phi) * Math.sin(lam);
    var y = k * (Math.cos(phi0) * Math.sin(phi) - Math.sin(phi0) * Math.cos(phi) * Math.cos(lam));
    return [(x - base.left) * base.scale, (base.top - y) * base.scale];
  }
  var SPREAD = 7; // pixels between points that share a site, as on /map
  var MOST_LABELS = 15; // names written beside the points only when they can be read
  function describe(point) {
    return (point.name || "") + " (" + point.y + ", " + point.x + ")";
  }
  function placesTable(points) {
    var details = document.createElement("details");
    details.className = "map-places";
    var summary = document.createElement("summary");
    summary.textContent = words.map_places || "The places on the map";
    details.appendChild(summary);
    var wrapper = document.createElement("div");
    wrapper.className = "table-scroll";
    wrapper.tabIndex = 0; // a keyboard can scroll it on a phone
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", summary.textContent);
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    [words.map_place || "Place", words.map_lat || "Latitude", words.map_long || "Longitude"].forEach(function (text) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = text;
      head.appendChild(th);
    });
    var body = table.createTBody();
    points.forEach(function (point) {
      var row = body.insertRow();
      var name = row.insertCell();
      if (point.href) {
        var link = document.createElement("a");
        link.href = point.href;
        link.textContent = point.name || point.href;
        name.appendChild(link);
      } else {
        name.textContent = point.name;
      }
      row.insertCell().textContent = point.y.toLocaleString(language);
      row.insertCell().textContent = point.x.toLocaleString(language);
    });
    wrapper.appendChild(table);
    details.appendChild(wrapper);
    return details;
  }
  function drawMap(target, points, base, total) {
    var figure = document.createElement("figure");
    figure.className = "result-figure";
    var caption = document.createElement("figcaption");
    if (!base) {
      caption.textContent = words.map_unavailable || "The base map could not be loaded.";
      figure.appendChild(caption);
      figure.appendChild(placesTable(points));
      target.appendChild(figure);
      return;
    }
    var shown = [];
    var outside = [];
    var sites = {};
    points.forEach(function (point) {
      var xy = project(base, point.x, point.y);
      if (xy[0] < 0 || xy[1] < 0 || xy[0] > base.width || xy[1] > base.height) {
        outside.push(point);
        return;
      }
      var key = xy[0].toFixed(1) + "," + xy[1].toFixed(1);
      (sites[key] = sites[key] || []).push({ point: point, x: xy[0], y: xy[1] });
    });
    Object.keys(sites).forEach(function (key) {
      var here = sites[key];
      here.forEach(function (placed, index) {
        if (here.length > 1) { // side by side around the site, so each can be seen and chosen
          var angle = 2 * Math.PI * index / here.length;
          placed.x += SPREAD * Math.cos(angle);
          placed.y += SPREAD * Math.sin(angle);
        }
        shown.push(placed);
      });
    });
    var titleId = "result-map-title";
    var svg = svgElement("svg", {
      "class": "result-map", "viewBox": "0 0 " + base.width + " " + base.height, "role": "group",
      "aria-labelledby": titleId, "width": "100%"
    });
    svg.appendChild(svgElement("title", { id: titleId }, (words.map_title || "Map with {count} places").replace("{count}", shown.length)));
    svg.appendChild(svgElement("rect", { x: 0, y: 0, width: base.width, height: base.height, "class": "map-ground" }));
    var countries = svgElement("g", { "class": "countries", "aria-hidden": "true" });
    base.shapes.forEach(function (shape) {
      countries.appendChild(svgElement("path", { d: shape.d, "class": "country" }));
    });
    svg.appendChild(countries);
    var labelled = shown.length <= MOST_LABELS;
    shown.forEach(function (placed) {
      var point = placed.point;
      var cx = Math.round(placed.x * 10) / 10;
      var cy = Math.round(placed.y * 10) / 10;
      var group = point.href ? svgElement("a", { href: point.href, "aria-label": describe(point) }) : svgElement("g", { role: "img", "aria-label": describe(point) });
      group.appendChild(svgElement("circle", { cx: cx, cy: cy, r: 5, "class": "map-point" }));
      if (labelled && point.name) {
        group.appendChild(svgElement("text", { x: cx + 8, y: cy + 4, "class": "map-label", "aria-hidden": "true" }, shorten(point.name, 30)));
      }
      group.appendChild(svgElement("title", {}, describe(point)));
      svg.appendChild(group);
    });
    var frame = document.createElement("div");
    frame.className = "result-map-frame";
    frame.appendChild(svg);
    figure.appendChild(frame);
    var note = (words.map_note || "{count} of {total} rows on the map.").replace("{count}", shown.length).replace("{total}", total);
    if (outside.length) {
      note += " " + (words.map_outside || "Not on the map: {names}.").replace("{names}", outside.map(describe).join("; "));
    }
    caption.textContent = note;
    figure.appendChild(caption);
    figure.appendChild(placesTable(points));
    target.appendChild(figure);
  }
  MapPlugin.prototype.draw = function () {
    var points = mapData(this.yasr.results);
    var total = (this.yasr.results.getBindings() || []).length;
    var target = this.yasr.resultsEl;
    target.textContent = "";
    if (!points) {
      return Promise.resolve();
    }
    return baseMap().then(function (base) {
      target.textContent = "";
      drawMap(target, points, base, total);
    });
  };

  Yasr.registerPlugin("chart", ChartPlugin);
  Yasr.registerPlugin("map", MapPlugin);

  var yasgui = new Yasgui(mount, {
    requestConfig: { endpoint: endpoint, method: "POST", adjustQueryBeforeRequest: function (yasqe) { return withPrefixes(yasqe.getValue()); } },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    persistenceId: null, // every visit starts from what the URL says, so a shared link means the same thing
    populateFromUrl: true, // #query=... from YASGUI's own share button
    autofocus: false,
    yasqe: { value: textarea.value, autocompleters: ["variables", "prefixes", "class", "property"], viewportMargin: Infinity },
    yasr: {
      prefixes: prefixes,
      defaultPlugin: "table",
      pluginOrder: ["table", "chart", "map", "response"]
    }
  });

  // YASGUI turns every parameter of the page's URL (qtext, lang, example) into a request argument, in the
  // configuration its tabs share; the endpoint gets the SPARQL protocol's parameters only.
  var PROTOCOL_ARGUMENTS = { "default-graph-uri": true, "named-graph-uri": true };
  function protocolOnly(requestConfig) {
    if (requestConfig && Array.isArray(requestConfig.args)) {
      requestConfig.args = requestConfig.args.filter(function (arg) { return PROTOCOL_ARGUMENTS[arg.name]; });
    }
  }
  protocolOnly(yasgui.config.requestConfig);
  if (yasgui.getTab()) {
    protocolOnly(yasgui.getTab().getRequestConfig());
  }
  yasgui.on("tabAdd", function (instance, id) {
    var tab = instance.getTab(id);
    protocolOnly(tab && tab.getRequestConfig());
  });

  document.getElementById("plain-query").hidden = true;
  document.body.classList.add("has-editor");
  new MutationObserver(afterChange).observe(mount, { childList: true, subtree: true });
  if (translations.length) { // YASGUI resets some names (the run button's) as a query runs
    new MutationObserver(function () { translateTexts(mount); })
      .observe(mount, { subtree: true, attributes: true, attributeFilter: ["title", "aria-label", "placeholder"] });
  }
  afterChange();

  function currentTab() {
    return yasgui.getTab();
  }

  function queryKind(yasqe) {
    var type = (yasqe.getQueryType && yasqe.getQueryType()) || "SELECT";
    return type === "CONSTRUCT" || type === "DESCRIBE" ? "graph" : "results";
  }

  function updateLinks() {
    var tab = currentTab();
    if (!tab || !tab.getYasqe()) {
      return;
    }
    var yasqe = tab.getYasqe();
    var text = yasqe.getValue();
    var kind = queryKind(yasqe);
    document.getElementById("share-link").href = "/sparql?" + new URLSearchParams({ qtext: text }).toString();
    var downloads = document.querySelectorAll("#downloads a.download");
    for (var i = 0; i < downloads.length; i++) {
      var link = downloads[i];
      link.href = "/sparql?" + new URLSearchParams({ query: withPrefixes(text), format: link.getAttribute("data-format") }).toString();
      link.hidden = link.getAttribute("data-kind") !== kind;
    }
  }

  function watch(tab) {
    if (tab && tab.getYasqe()) {
      var yasqe = tab.getYasqe();
      yasqe.on("change", updateLinks);
      // the editor grows with its query rather than being a scroll box of its own (dragging its handle
      // still sets a height)
      yasqe.getWrapperElement().style.height = "auto";
      yasqe.refresh();
    }
    updateLinks();
  }
  yasgui.on("tabChange", function (instance, tab) { watch(tab); });
  watch(currentTab());

  var select = document.getElementById("example");
  var examples = {};
  config.examples.forEach(function (example) { examples[example.name] = example; });
  document.querySelector("form.examples").addEventListener("submit", function (event) {
    var example = examples[select.value];
    if (example) {
      event.preventDefault(); // load into the editor instead of reloading the page
      currentTab().setQuery(example.query);
      updateLinks();
    }
  });

  if (config.autorun && !window.location.hash) {
    currentTab().query().catch(function () { /* YASR shows the error */ });
  }
})();
