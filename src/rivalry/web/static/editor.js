// The SPARQL editor: YASGUI on this server's /sparql, with every completion served from the
// page itself (the project's prefixes and ontology terms) so that nothing is asked of
// prefix.cc, LOV or any other host. Without JavaScript, or if YASGUI fails to load, the
// page's plain form (#plain-editor), answered by the server, stays in use.
(function () {
  "use strict";
  const settings = JSON.parse(document.getElementById("editor-settings").textContent);
  const Yasgui = window.Yasgui;
  if (!Yasgui) return; // the library failed to load: the plain form stays
  const Yasqe = Yasgui.Yasqe;
  const endpoint = new URL(settings.endpoint, window.location.href).toString();

  // local completions replace the remote ones (prefix.cc, Linked Open Vocabularies)
  const prefixLines = Object.entries(settings.prefixes).map(([p, ns]) => `${p}: <${ns}>`).sort();
  Yasqe.forkAutocompleter("prefixes", { name: "localPrefixes", get: () => Promise.resolve(prefixLines) }, false);
  Yasqe.forkAutocompleter("property", { name: "localProperties", bulk: true, get: () => Promise.resolve(settings.terms.properties) }, false);
  Yasqe.forkAutocompleter("class", { name: "localClasses", bulk: true, get: () => Promise.resolve(settings.terms.classes) }, false);
  Yasqe.defaults.autocompleters = ["localPrefixes", "localProperties", "localClasses", "variables"];
  Yasqe.defaults.prefixCcApi = null;

  // a CONSTRUCT's Turtle opens with ~35 prefix lines: show the triples too, not just those
  if (Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.response) {
    Yasgui.Yasr.plugins.response.defaults.maxLines = 500;
  }

  const prologue = Object.entries(settings.prefixes)
    .map(([p, ns]) => `PREFIX ${p}: <${ns}>`).join("\n");
  const withPrefixes = (text) => (/^\s*PREFIX/im.test(text) ? text : `${prologue}\n\n${text}`);
  // the longest namespace first, so results read chip:… rather than id:chip/…
  const byLength = Object.fromEntries(
    Object.entries(settings.prefixes).sort((a, b) => b[1].length - a[1].length));
  const fromUrl = new URLSearchParams(window.location.search).get("query");

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST", acceptHeaderGraph: "text/turtle" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    persistenceId: null, // a permalink or example always opens what it says
    populateFromUrl: false,
    yasqe: { value: withPrefixes(fromUrl || settings.query), autocompleters: Yasqe.defaults.autocompleters, prefixCcApi: null },
    yasr: { prefixes: byLength, defaultPlugin: "table" },
  });
  document.getElementById("editor-tools").hidden = false;
  document.getElementById("plain-editor").hidden = true;
  window.rivalryEditor = yasgui; // for tests and the console

  const current = () => yasgui.getTab().getYasqe();
  const status = document.getElementById("status");
  let started = 0;

  function permalink() {
    const url = new URL(window.location.href);
    url.search = new URLSearchParams({ query: current().getValue() }).toString();
    return url.toString();
  }
  function watch(tab) {
    tab.getYasqe().on("queryBefore", () => { started = performance.now(); status.textContent = "running…"; });
    tab.getYasqe().on("queryResponse", (_y, response) => {
      const ms = Math.round(performance.now() - started);
      const ok = response && (response.ok === undefined || response.ok);
      let count = "";
      let data = response && (response.body || response.content || response.text);
      if (typeof data === "string") { try { data = JSON.parse(data); } catch (_e) { data = null; } }
      if (data && data.results && data.results.bindings) count = `${data.results.bindings.length} rows · `;
      else if (data && typeof data.boolean === "boolean") count = `${data.boolean} · `;
      else if (ok) {
        count = "graph (Turtle) · ";
        const yasr = tab.getYasr(); // CONSTRUCT, DESCRIBE: show the RDF as the server sent it
        window.setTimeout(() => yasr.selectPlugin("response"), 0);
      }
      status.textContent = ok ? `${count}${ms} ms` : `error after ${ms} ms`;
      window.history.replaceState(null, "", permalink());
    });
  }
  yasgui.on("tabAdd", (_y, id) => window.setTimeout(() => { const t = yasgui.getTab(id); if (t) watch(t); }, 0));
  watch(yasgui.getTab());

  document.getElementById("permalink").addEventListener("click", (e) => {
    e.preventDefault();
    window.history.replaceState(null, "", permalink());
  });
  // downloads: the endpoint itself answers in each format it speaks
  document.querySelectorAll("#downloads a").forEach((a) => a.addEventListener("click", (e) => {
    e.preventDefault();
    const url = new URL(endpoint);
    url.search = new URLSearchParams({ query: current().getValue(), format: a.dataset.format }).toString();
    window.location.href = url.toString();
  }));
  const byName = Object.fromEntries(settings.catalogue.map((q) => [q.name, q]));
  document.getElementById("examples").addEventListener("change", (e) => {
    const q = byName[e.target.value];
    if (!q) return;
    const tab = yasgui.addTab(true, { name: q.name });
    tab.setQuery(withPrefixes(q.query));
    e.target.value = "";
  });
  const wanted = new URLSearchParams(window.location.search).get("example");
  if (wanted && byName[wanted]) current().setValue(withPrefixes(byName[wanted].query));
})();
