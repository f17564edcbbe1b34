import "../no-eval.ts";
import { byId } from "../dom.ts";
import { startPage } from "../start/app.ts";

void startPage(byId("app"));
