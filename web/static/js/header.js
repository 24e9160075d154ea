/* The header's account menu (details/summary): Escape closes it and gives the focus back to
   its button; a click or focus outside it closes it. Without script it opens and closes by
   its button alone. */
(function () {
  "use strict";

  var menu = document.querySelector(".account-menu");
  if (!menu) {
    return;
  }
  var toggle = menu.querySelector("summary");

  function close(returnFocus) {
    if (!menu.open) {
      return;
    }
    menu.open = false;
    if (returnFocus) {
      toggle.focus();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      close(menu.contains(document.activeElement));
    }
  });
  document.addEventListener("click", function (event) {
    if (!menu.contains(event.target)) {
      close(false);
    }
  });
  document.addEventListener("focusin", function (event) {
    if (!menu.contains(event.target)) {
      close(false);
    }
  });
})();
