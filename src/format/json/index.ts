export { encodeProsodyJson } from "./encode.js";
export { decodeProsodyJson } from "./decode.js";
export { formatLuaNumber, parseLuaNumber } from "./lua-number.js";
