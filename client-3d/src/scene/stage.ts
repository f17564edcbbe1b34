import { ArcRotateCamera } from "@babylonjs/core/Cameras/arcRotateCamera";
import { Engine } from "@babylonjs/core/Engines/engine";
import { GlowLayer } from "@babylonjs/core/Layers/glowLayer";
import { HemisphericLight } from "@babylonjs/core/Lights/hemisphericLight";
import { Color3, Color4 } from "@babylonjs/core/Maths/math.color";
import { Vector3 } from "@babylonjs/core/Maths/math.vector";
import { Scene } from "@babylonjs/core/scene";

export interface Stage {
  engine: Engine;
  scene: Scene;
  camera: ArcRotateCamera;
  glow: GlowLayer;
}

/** Engine, scene, a follow camera and the glow that makes edges shine: the parts that outlive rooms. */
export function createStage(canvas: HTMLCanvasElement): Stage {
  // No antialias buffer on weak hardware is the cheap choice; lines stay crisp through the glow anyway.
  const engine = new Engine(canvas, true, { stencil: false, powerPreference: "high-performance" }, true);
  // A software renderer (no GPU, e.g. SwiftShader) draws every pixel on the CPU: fewer pixels, lighter glow.
  const software = /swiftshader|llvmpipe|software/i.test(engine.getGlInfo().renderer);
  if (software) engine.setHardwareScalingLevel(1.5);
  const scene = new Scene(engine);
  scene.clearColor = new Color4(0.012, 0.018, 0.04, 1);
  scene.skipPointerMovePicking = true; // we pick the floor plane ourselves
  scene.fogMode = Scene.FOGMODE_EXP2;
  scene.fogDensity = 0.008;
  scene.fogColor = new Color3(0.012, 0.018, 0.04);

  // Looking north from the south (alpha = -π/2), tilted down.
  const camera = new ArcRotateCamera("camera", -Math.PI / 2, 0.88, 30, new Vector3(32, 0, 32), scene);
  camera.lowerRadiusLimit = 8;
  camera.upperRadiusLimit = 48;
  camera.lowerBetaLimit = 0.35;
  camera.upperBetaLimit = 1.35;
  camera.wheelDeltaPercentage = 0.01;
  camera.panningSensibility = 0; // the camera follows you; panning away would fight it
  camera.minZ = 0.3;
  camera.maxZ = 400;
  // Arrow keys walk; they must not also orbit the camera.
  camera.inputs.removeByType("ArcRotateCameraKeyboardMoveInput");
  camera.attachControl(true);

  const light = new HemisphericLight("sky", new Vector3(0.3, 1, -0.4), scene);
  light.intensity = 0.9;
  light.groundColor = new Color3(0.05, 0.08, 0.2);

  const glow = new GlowLayer("glow", scene, software ? { mainTextureRatio: 0.25, blurKernelSize: 16 } : { mainTextureRatio: 0.5, blurKernelSize: 32 });
  glow.intensity = 0.85;
  return { engine, scene, camera, glow };
}
