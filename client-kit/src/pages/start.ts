import { byId } from "../dom.ts";

byId("app").textContent = "The start page is being built.";
