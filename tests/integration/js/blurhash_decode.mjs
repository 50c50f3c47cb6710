// Decodes a blurhash with Wolt's own `blurhash` package (an implementation independent of
// herd's): node blurhash_decode.mjs HASH WIDTH HEIGHT prints {"valid": bool, "rgb": [...]}.
import { decode, isBlurhashValid } from "blurhash";

const [hash, width, height] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const check = isBlurhashValid(hash);
if (!check.result) {
  console.log(JSON.stringify({ valid: false, error: check.errorReason }));
} else {
  const rgba = decode(hash, width, height);
  const rgb = [];
  for (let i = 0; i < rgba.length; i += 4) rgb.push(rgba[i], rgba[i + 1], rgba[i + 2]);
  console.log(JSON.stringify({ valid: true, rgb }));
}
