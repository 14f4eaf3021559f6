/* Reception kiosk: the on-screen digit keypad of the PIN page.
   Tapping a PIN field chooses which one the keypad fills; the system keyboard
   stays closed while the keypad is there. Without this file the fields still
   work with the system's numeric keyboard (inputmode="numeric"). */
(function () {
  "use strict";

  function keypad(form) {
    var pad = form.querySelector(".keypad");
    var fields = Array.prototype.slice.call(form.querySelectorAll(".pin-input"));
    if (!pad || !fields.length) {
      return;
    }
    var target = fields.find(function (field) {
      return field.getAttribute("aria-invalid") === "true";
    }) || fields[0];

    function choose(field) {
      target = field;
      fields.forEach(function (other) {
        other.classList.toggle("keypad-target", other === field);
      });
    }

    fields.forEach(function (field) {
      field.inputMode = "none";
      field.addEventListener("focus", function () { choose(field); });
      field.addEventListener("pointerdown", function () { choose(field); });
    });

    pad.addEventListener("click", function (event) {
      var key = event.target.closest("button");
      if (!key) {
        return;
      }
      var digit = key.getAttribute("data-digit");
      var action = key.getAttribute("data-key");
      var limit = parseInt(target.getAttribute("maxlength"), 10) || 12;
      if (digit !== null && target.value.length < limit) {
        target.value += digit;
      } else if (action === "delete") {
        target.value = target.value.slice(0, -1);
      } else if (action === "clear") {
        target.value = "";
      }
    });

    choose(target);
    pad.classList.remove("hidden");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-keypad]").forEach(keypad);
  });
})();
