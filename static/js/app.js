// Keyboard shortcuts and small conveniences. Everything works without this file;
// it only adds keys and tabs on top of plain forms and links.
(function () {
  "use strict";

  function typing(event) {
    const el = event.target;
    return el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  }

  // --- Tabs on the submit page -----------------------------------------------------
  function showTab(name) {
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.dataset.tab === name));
    document.querySelectorAll(".tabpanel").forEach((p) => p.classList.toggle("active", p.id === name));
  }
  document.addEventListener("click", (event) => {
    const tab = event.target.closest(".tab[data-tab]");
    if (!tab) return;
    event.preventDefault();
    showTab(tab.dataset.tab);
    history.replaceState(null, "", "#" + tab.dataset.tab);
  });
  document.addEventListener("DOMContentLoaded", () => {
    const wanted = location.hash.slice(1);
    if (wanted && document.querySelector(".tab[data-tab='" + wanted + "']") && !document.querySelector(".tabpanel .error-box, .tabpanel .field-error")) {
      showTab(wanted);
    }
    selectRow(rows()[0], false);
    // The queue's filters start folded (a phone shows the claims first); a wide screen
    // has room for them beside the list.
    const filters = document.getElementById("filters-fold");
    if (filters && window.matchMedia("(min-width: 901px)").matches) filters.open = true;
  });

  // --- The queue -----------------------------------------------------------------
  let selectedId = null;
  function rows() { return Array.from(document.querySelectorAll("#queue tbody tr.qrow")); }
  function current() { return selectedId ? document.getElementById(selectedId) : null; }
  function selectRow(row, scroll = true) {
    if (!row) return;
    rows().forEach((r) => r.classList.remove("selected"));
    row.classList.add("selected");
    selectedId = row.id;
    if (scroll) row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    const all = rows();
    const index = all.indexOf(current());
    selectRow(all[Math.max(0, Math.min(all.length - 1, index + step))]);
  }
  // A row swapped in by htmx keeps the selection; after a verdict, move on. (htmx:load
  // fires on the new element; the old row, and the form that asked, are gone.)
  document.addEventListener("htmx:load", (event) => {
    const row = event.detail.elt;
    if (!row.classList || !row.classList.contains("qrow") || row.id !== selectedId) return;
    row.classList.add("selected");
    if (row.classList.contains("just-reviewed")) move(1);
  });

  // --- Claim page ----------------------------------------------------------------
  function claimKey(key) {
    const choice = document.querySelector(".verdict-choice[data-key='" + key + "'] input");
    if (!choice) return false;
    choice.checked = true;
    const note = document.querySelector("#verdict-form textarea");
    if (note) note.focus();
    return true;
  }

  let pendingG = false;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const form = event.target.closest && event.target.closest("form");
      const verdict = document.getElementById("verdict-form");
      if (verdict && (!form || form === verdict)) { event.preventDefault(); verdict.requestSubmit(); }
      return;
    }
    if (event.key === "Escape" && typing(event)) { event.target.blur(); return; }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;

    if (pendingG) {
      pendingG = false;
      const link = document.querySelector("a[data-go='" + event.key + "']");
      if (link) { event.preventDefault(); location.href = link.href; }
      return;
    }
    if (event.key === "g") { pendingG = true; setTimeout(() => { pendingG = false; }, 1200); return; }
    if (event.key === "?") { const help = document.getElementById("keys-help"); if (help) help.showModal(); return; }
    if (event.key === "/") {
      const search = document.getElementById("id_q");
      const fold = document.getElementById("filters-fold");
      if (fold) fold.open = true;
      if (search) { event.preventDefault(); search.focus(); search.select(); }
      return;
    }

    const row = current();
    if (row) {
      if (event.key === "j") { event.preventDefault(); move(1); return; }
      if (event.key === "k") { event.preventDefault(); move(-1); return; }
      // Enter on a focused button (a confirmation in the row) presses that button.
      if (event.key === "Enter" && event.target.closest && event.target.closest("button, a")) return;
      if (event.key === "Enter" || event.key === "o") { event.preventDefault(); location.href = row.dataset.url; return; }
      if (event.key === "x") { const box = row.querySelector("input[type=checkbox]"); if (box) box.checked = !box.checked; return; }
      const button = row.querySelector("button[data-key='" + event.key + "']");
      if (button) { event.preventDefault(); button.click(); }
      return;
    }
    if (event.key === "n") {
      const next = document.getElementById("next-claim");
      if (next) { event.preventDefault(); location.href = next.href; }
      return;
    }
    if (claimKey(event.key)) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const row = event.target.closest("#queue tr.qrow");
    if (row) selectRow(row, false);
  });
})();
