/* A table wider than its box scrolls sideways in its .table-scroll wrapper. While it does, the
   wrapper is a named, focusable region, so that keyboard users can scroll it with the arrow
   keys (WCAG 2.1.1); when the table fits, it is neither (no stray tab stop). The name is the
   table's caption (else its aria-label, else the heading of its section). */
(function () {
  "use strict";

  var boxes = Array.prototype.slice.call(document.querySelectorAll(".table-scroll"));
  if (!boxes.length) {
    return;
  }

  function name(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    var section = box.closest("section");
    var heading = section && section.querySelector("h2, h3");
    return (caption && caption.textContent.trim()) ||
      (table && table.getAttribute("aria-label")) ||
      (heading && heading.textContent.trim()) || "";
  }

  function update() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name(box));
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  update();
  if (window.ResizeObserver) {
    var observer = new window.ResizeObserver(update);
    boxes.forEach(function (box) {
      observer.observe(box);
    });
  } else {
    window.addEventListener("resize", update);
  }
})();
