/// The little JavaScript the UI uses: keyboard shortcuts, the help overlay, the offline banner and the
/// service worker. Pages work without it; it only adds speed for keyboard users and offline awareness.
enum Script {
    static let appJS = #"""
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  var help = document.getElementById("shortcut-help");
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented) return;
    if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === "c" || e.key === "C" || e.code === "KeyC")) {
      var create = document.querySelector("[data-shortcut='create']");
      if (create) { e.preventDefault(); create.click(); }
      return;
    }
    if (e.key === "Escape") {
      if (help && help.open) { help.close(); e.preventDefault(); return; }
      if (typing(document.activeElement)) { document.activeElement.blur(); return; }
      var back = document.querySelector("[data-shortcut='back']");
      if (back) { e.preventDefault(); back.click(); }
      return;
    }
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "/") {
      var search = document.querySelector("[data-shortcut='search']");
      if (search) { e.preventDefault(); search.focus(); }
    } else if (e.key === "?") {
      if (help) { e.preventDefault(); help.open ? help.close() : help.showModal(); }
    }
  });
  var helpButton = document.getElementById("help-button");
  if (helpButton && help) helpButton.addEventListener("click", function () { help.showModal(); });
  var closeHelp = document.getElementById("close-help");
  if (closeHelp && help) closeHelp.addEventListener("click", function () { help.close(); });

  function showConnectivity() { document.body.classList.toggle("offline", !navigator.onLine); }
  window.addEventListener("online", showConnectivity);
  window.addEventListener("offline", showConnectivity);
  showConnectivity();

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  });

  // Voucher entry: show the difference still to balance, as Tally does, while lines are typed.
  var voucher = document.querySelector("form.voucher-form");
  if (voucher) {
    var difference = document.getElementById("difference");
    var update = function () {
      var paise = 0;
      voucher.querySelectorAll("fieldset.line").forEach(function (line) {
        var amount = line.querySelector("[data-amount]");
        var side = line.querySelector("select");
        var value = Math.round(parseFloat((amount && amount.value) || "0") * 100);
        if (!isNaN(value)) paise += (side && side.value === "Cr") ? -value : value;
      });
      var rupees = (Math.abs(paise) / 100).toFixed(2);
      difference.textContent = paise === 0 ? "Balanced: Dr equals Cr." : "Difference: ₹" + rupees + (paise > 0 ? " more Dr than Cr" : " more Cr than Dr");
      difference.classList.toggle("balanced", paise === 0);
    };
    voucher.addEventListener("input", update);
    voucher.addEventListener("change", update);
    // Bill-wise fields only for ledgers kept bill-by-bill (or when already filled in).
    var billWise = {};
    document.querySelectorAll("#ledger-names option[data-billwise]").forEach(function (o) { billWise[o.value.toLowerCase()] = true; });
    var showBills = function (line) {
      var ledger = line.querySelector("[data-ledger]");
      var bills = line.querySelector(".bill-fields");
      var type = bills && bills.querySelector("select");
      if (bills) bills.hidden = !(billWise[(ledger.value || "").toLowerCase()] || (type && type.value));
    };
    voucher.querySelectorAll("fieldset.line").forEach(function (line) {
      showBills(line);
      line.addEventListener("input", function () { showBills(line); });
      line.addEventListener("change", function () { showBills(line); });
    });
    update();
  }

  // Invoice entry: the server computes the tax with the posting code and nothing is saved until submit.
  var invoiceForm = document.querySelector("form.invoice-form[data-preview]");
  if (invoiceForm) {
    var preview = document.getElementById("tax-preview");
    var timer = null;
    var text = function (tag, value, cls) {
      var el = document.createElement(tag);
      el.textContent = value;
      if (cls) el.className = cls;
      return el;
    };
    var show = function (data) {
      preview.textContent = "";
      var errors = Object.keys(data.errors || {});
      if (errors.length) {
        var list = document.createElement("ul");
        list.className = "error-list";
        errors.forEach(function (k) { list.appendChild(text("li", k + ": " + data.errors[k])); });
        preview.appendChild(list);
        return;
      }
      var table = document.createElement("table");
      table.id = "preview-table";
      [["Taxable value", data.taxable], ["CGST", data.cgst], ["SGST/UTGST", data.sgst], ["IGST", data.igst], ["Cess", data.cess],
       ["Round off", data.roundOff], ["Total", data.total]].forEach(function (row) {
        var tr = document.createElement("tr");
        tr.appendChild(text("th", row[0]));
        tr.appendChild(text("td", "₹" + row[1], "num"));
        table.appendChild(tr);
      });
      preview.appendChild(table);
    };
    var ask = function () {
      var body = new URLSearchParams(new FormData(invoiceForm));
      fetch(invoiceForm.getAttribute("data-preview"), { method: "POST", body: body, credentials: "same-origin",
                                                      headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) show(data); })
        .catch(function () {});
    };
    invoiceForm.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 300); });
    invoiceForm.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(ask, 100); });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
})();
"""#

    /// Network first for pages (the books must never show stale figures while online); the last copy of each
    /// visited page and the app shell are kept for when the network is gone.
    static let serviceWorker = #"""
var CACHE = "finsync-shell-v1";
var SHELL = ["/offline", "/assets/app.css", "/assets/app.js", "/manifest.webmanifest", "/assets/icon.svg"];
self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) { return hit || caches.match("/offline"); });
    }));
    return;
  }
  event.respondWith(caches.match(request).then(function (hit) {
    return hit || fetch(request);
  }));
});
"""#

    static let manifest = #"""
{"name":"FinSync360","short_name":"FinSync","start_url":"/app","scope":"/","display":"standalone","background_color":"#f6f7f9","theme_color":"#0b5cad","icons":[{"src":"/assets/icon.svg","sizes":"any","type":"image/svg+xml","purpose":"any"}]}
"""#

    static let icon = #"""
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0b5cad"/><text x="32" y="42" font-family="sans-serif" font-size="28" font-weight="700" text-anchor="middle" fill="#fff">FS</text></svg>
"""#
}
