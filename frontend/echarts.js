/* The ECharts build Pantau serves (bundled by `make setup-js` with esbuild into
 * pantau/static/vendor/echarts/, never committed): only the charts and components the
 * dashboard draws (dasbor.js), so a phone downloads a fraction of the full build.
 * Add a chart type or component here when a page starts to use it. */
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);
window.echarts = echarts;
