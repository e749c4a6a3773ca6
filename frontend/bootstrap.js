/* The Bootstrap JavaScript Pantau serves (bundled by `make setup-js` with esbuild into
 * pantau/static/vendor/bootstrap/, never committed): only the components its pages use, each
 * with its data attributes (data-bs-toggle="collapse" for the phone menu, "modal" for
 * confirmations, data-bs-dismiss="alert"). Add a component here when a template starts to use
 * one; Dropdown, Tooltip and Popover would also bring Popper. */
import Alert from "bootstrap/js/src/alert.js";
import Collapse from "bootstrap/js/src/collapse.js";
import Modal from "bootstrap/js/src/modal.js";

window.bootstrap = { Alert, Collapse, Modal };
