// Live connection status and recovery for the htmx websocket extension.
(function () {
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[4]..", swap: true, error: false, target: "#flash" },
    { code: "...", swap: false, error: true },
  ];
  document.addEventListener("htmx:wsOpen", function () { document.body.classList.remove("offline"); });
  document.addEventListener("htmx:wsClose", function (e) {
    document.body.classList.add("offline");
    var code = e.detail && e.detail.event && e.detail.event.code;
    // ext-ws only reconnects after 1006/1011/1012/1013; on anything else reload to resync
    if ([1006, 1011, 1012, 1013].indexOf(code) < 0) { setTimeout(function () { location.reload(); }, 3000); }
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var f = document.getElementById("flash"); if (f) f.innerHTML = "";
  });
  document.addEventListener("htmx:sendError", function () {
    // the sentence comes from the page (base.html renders it in the user's language)
    var f = document.getElementById("flash"); if (f) f.textContent = document.body.dataset.sendError || "";
  });
  // round clock: count down locally from the server's deadline (the server locks at zero)
  setInterval(function () {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      // the server sends the seconds left; counting from when this element arrived avoids clock skew
      if (!el.dataset.until) el.dataset.until = String(Date.now() + parseFloat(el.dataset.left || "0") * 1000);
      var left = Math.max(0, Math.ceil((parseFloat(el.dataset.until) - Date.now()) / 1000));
      el.textContent = "⏱ " + Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      el.classList.toggle("warn", left <= 30);
    });
  }, 1000);
})();
