import { byId } from "@mesh/client-kit";

byId("app").textContent = "The 3D client is being built.";
