// Suggestions for the search box in the header (an ARIA combobox with a grouped listbox). Without
// JavaScript the box is a plain form that opens /search; with it, names appear while typing.
(function () {
  "use strict";
  const input = document.getElementById("site-search");
  const list = document.getElementById("site-search-list");
  if (!input || !list) return;
  let options = [];
  let active = -1;
  let timer = null;
  let asked = "";

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    options = [];
    active = -1;
  }

  function choose(index) {
    options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(results) {
    close();
    if (!results.length) return;
    const groups = new Map();
    for (const hit of results) {
      if (!groups.has(hit.kind)) groups.set(hit.kind, { name: hit.kindName, hits: [] });
      groups.get(hit.kind).hits.push(hit);
    }
    let count = 0;
    for (const [kind, group] of groups) {
      const item = document.createElement("li");
      item.setAttribute("role", "group");
      item.setAttribute("aria-label", group.name);
      const heading = document.createElement("div");
      heading.className = "group";
      heading.setAttribute("aria-hidden", "true");
      heading.textContent = group.name;
      const inner = document.createElement("ul");
      inner.setAttribute("role", "none");
      for (const hit of group.hits) {
        const option = document.createElement("li");
        option.id = "site-search-option-" + count++;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.href = hit.href;
        option.dataset.kind = kind;
        const name = document.createElement("span");
        name.textContent = hit.label;
        if (hit.labelLanguage) name.lang = hit.labelLanguage;
        option.append(name);
        if (hit.matched) {
          const matched = document.createElement("small");
          matched.textContent = " (" + hit.matched + ")";
          if (hit.matchedLanguage) matched.lang = hit.matchedLanguage;
          option.append(matched);
        }
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          window.location.assign(hit.href);
        });
        inner.append(option);
        options.push(option);
      }
      item.append(heading, inner);
      list.append(item);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  async function suggest() {
    const query = input.value.trim();
    if (query === asked) return;
    asked = query;
    if (!query) {
      close();
      return;
    }
    try {
      const response = await fetch("/search?suggest=1&format=json&q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
      });
      if (!response.ok || input.value.trim() !== query) return;
      const body = await response.json();
      show(body.results || []);
    } catch (error) {
      close(); // the form still works: Enter opens the search page
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 120);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      choose((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      choose(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(options[active].dataset.href);
    } else if (event.key === "Escape") {
      close();
      asked = "";
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
})();
