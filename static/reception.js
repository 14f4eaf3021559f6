/* Reception kiosk: idle countdown, live filtering of item lists, print status polling.
   Every page works without this file; it only makes the kiosk quicker and safer. */
(function () {
  "use strict";

  // A page restored from the back-forward cache could show the previous person:
  // ask the server again, which answers with the start page once the flow is gone.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function idleCountdown() {
    var box = document.getElementById("idle");
    var form = document.getElementById("idle-form");
    if (!box || !form) {
      return;
    }
    var total = parseInt(box.getAttribute("data-seconds"), 10) || 120;
    var keepAliveUrl = box.getAttribute("data-keepalive");
    var warnAt = Math.min(30, Math.ceil(total / 3));
    var out = document.getElementById("idle-left");
    var warning = document.createElement("p");
    warning.className = "idle-warning hidden";
    warning.setAttribute("role", "alert");
    warning.textContent = box.getAttribute("data-warn");
    box.parentNode.insertBefore(warning, box.nextSibling);
    var lastPing = Date.now();
    var expired = false;
    // At most one keep-alive request every few seconds, however busy the fingers.
    var pingGap = Math.min(3000, total * 250);

    function secondsLeft() {
      return Math.max(0, Math.ceil((lastPing + total * 1000 - Date.now()) / 1000));
    }
    function expire() {
      if (!expired) {
        expired = true;
        form.submit();
      }
    }
    function show() {
      var left = secondsLeft();
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      out.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      box.classList.toggle("warning", left <= warnAt);
      warning.classList.toggle("hidden", left > warnAt);
      if (left <= 0) {
        expire();
      }
    }
    function activity() {
      if (expired || Date.now() - lastPing < pingGap) {
        return;
      }
      if (!keepAliveUrl) {
        lastPing = Date.now();
        show();
        return;
      }
      var sent = Date.now();
      fetch(keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      }).then(function (response) {
        return response.json();
      }).then(function (answer) {
        if (answer.seconds > 0) {
          lastPing = sent;
          show();
        } else {
          expire();
        }
      }).catch(function () { /* the countdown goes on; the server has the last word */ });
    }
    ["pointerdown", "keydown", "input"].forEach(function (type) {
      document.addEventListener(type, activity, { passive: true });
    });
    show();
    window.setInterval(show, 1000);
  }

  function liveFilter() {
    var grid = document.getElementById("tiles");
    var search = document.getElementById("q");
    if (!grid || !search) {
      return;
    }
    var group = "";
    var noMatch = document.getElementById("no-match");
    var groupButtons = document.querySelectorAll("button.group");

    function apply() {
      var needle = search.value.trim().toLowerCase();
      var shown = 0;
      grid.querySelectorAll(".tile").forEach(function (tile) {
        var checked = tile.querySelector("input").checked;
        var matches = (!group || tile.getAttribute("data-group") === group) &&
          (!needle || tile.getAttribute("data-search").indexOf(needle) !== -1);
        var visible = checked || matches;
        tile.classList.toggle("hidden", !visible);
        shown += visible ? 1 : 0;
      });
      if (noMatch) {
        noMatch.classList.toggle("hidden", shown > 0);
      }
    }
    search.addEventListener("input", apply);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        apply();
      }
    });
    groupButtons.forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        group = button.getAttribute("data-group");
        groupButtons.forEach(function (other) {
          other.classList.toggle("selected", other === button);
        });
        apply();
      });
    });
  }

  // Spoken languages keep the order tapped: the first tapped is the first on the card.
  function tapOrder() {
    var order = document.getElementById("tap-order");
    var grid = document.getElementById("tiles");
    if (!order || !grid) {
      return;
    }
    var tapped = order.value.split(" ").filter(function (code) {
      return grid.querySelector('input[value="' + code + '"]:checked');
    });
    grid.querySelectorAll("input").forEach(function (box) {
      if (box.checked && tapped.indexOf(box.value) === -1) {
        tapped.push(box.value);
      }
      box.addEventListener("change", function () {
        tapped = tapped.filter(function (code) { return code !== box.value; });
        if (box.checked) {
          tapped.push(box.value);
        }
        order.value = tapped.join(" ");
      });
    });
    order.value = tapped.join(" ");
  }

  function oneTap() {
    document.querySelectorAll("form.issue-form").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button").forEach(function (button) {
          button.disabled = true;
        });
      });
    });
  }

  function printStatus() {
    var box = document.getElementById("print-status");
    if (!box) {
      return;
    }
    var text = document.getElementById("status-text");
    function show(state) {
      var words = box.getAttribute("data-text-" + state);
      if (words) {
        text.textContent = words;
      }
      box.className = "print-status state-" + state;
      box.setAttribute("data-state", state);
    }
    function poll() {
      fetch(box.getAttribute("data-url"), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("no card in this session");
        }
        return response.json();
      }).then(function (status) {
        show(status.state);
        box.setAttribute("data-final", status.final ? "true" : "false");
        if (!status.final) {
          window.setTimeout(poll, 1500);
        }
      }).catch(function () { /* the flow ended: the idle timeout takes the screen back */ });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    idleCountdown();
    liveFilter();
    tapOrder();
    oneTap();
    printStatus();
  });
}());
