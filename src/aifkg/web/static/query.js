/* The query page: YASGUI (served by aifkg, no CDN) replaces the plain form, which stays the page without
   JavaScript. The examples, the share link and the download links follow the editor's query. */
(function () {
  "use strict";

  var configElement = document.getElementById("query-config");
  var mount = document.getElementById("yasgui");
  var textarea = document.getElementById("query");
  if (!configElement || !mount || !textarea || typeof window.Yasgui === "undefined") {
    return; // the plain form keeps working
  }
  var config = JSON.parse(configElement.textContent);
  var Yasgui = window.Yasgui;
  var Yasqe = window.Yasqe;
  var Yasr = window.Yasr;
  var endpoint = new URL(config.endpoint, window.location.href).href;

  // Our prefixes for the editor's prefix completion; the bundled list of other vocabularies stays out, and
  // the property and class completers (which ask an outside service) are not enabled.
  var prefixList = Object.keys(config.prefixes).sort().map(function (name) {
    return name + ": <" + config.prefixes[name] + ">";
  });
  Yasqe.forkAutocompleter("prefixes", { name: "localPrefixes", get: function () { return Promise.resolve(prefixList); } }, false);
  Yasr.plugins.table.defaults.openIriInNewWindow = false;

  var yasgui = new Yasgui(mount, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    persistenceId: null, // every visit starts from what the URL says, so a shared link means the same thing
    populateFromUrl: true, // #query=... from YASGUI's own share button
    autofocus: false,
    yasqe: { value: textarea.value, autocompleters: ["variables", "localPrefixes"], editorHeight: "320px" },
    yasr: { prefixes: config.prefixes, defaultPlugin: "table" }
  });

  document.getElementById("plain-query").hidden = true;
  document.body.classList.add("has-editor");

  function currentTab() {
    return yasgui.getTab();
  }

  function queryKind(yasqe) {
    var type = (yasqe.getQueryType && yasqe.getQueryType()) || "SELECT";
    return type === "CONSTRUCT" || type === "DESCRIBE" ? "graph" : "results";
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
    var links = root.querySelectorAll("a.iri");
    for (var i = 0; i < links.length; i++) {
      var local = localHref(links[i].getAttribute("href") || "");
      if (local) {
        links[i].setAttribute("data-iri", links[i].getAttribute("href"));
        links[i].setAttribute("href", local);
        links[i].removeAttribute("target");
      }
    }
  }
  new MutationObserver(function () { relinkResults(mount); }).observe(mount, { childList: true, subtree: true });

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
      link.href = "/sparql?" + new URLSearchParams({ query: text, format: link.getAttribute("data-format") }).toString();
      link.hidden = link.getAttribute("data-kind") !== kind;
    }
  }

  function watch(tab) {
    if (tab && tab.getYasqe()) {
      tab.getYasqe().on("change", updateLinks);
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
