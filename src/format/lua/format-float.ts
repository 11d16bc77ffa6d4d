/**
 * C's `printf("%.18g", x)` for finite doubles, as Prosody's serializer writes non-integral
 * numbers. 18 significant digits round-trip every double, but glibc rounds the exact binary
 * value half-to-even while `toExponential` rounds ties away from zero, so exact ties are
 * detected and settled with BigInt arithmetic.
 */

const PRECISION = 18;

/** The 18 significant digits of |x| and the decimal exponent of the first one. */
function roundedDigits(x: number): { digits: string; exponent: number } {
  const wide = x.toExponential(PRECISION + 1); // 20 digits: enough to spot a possible tie
  const mark = wide.indexOf("e");
  const mantissa = wide.slice(0, mark).replace(".", "");
  if (mantissa.slice(PRECISION) === "50") return exactDigits(x);
  const text = x.toExponential(PRECISION - 1);
  const e = text.indexOf("e");
  return { digits: text.slice(0, e).replace(".", ""), exponent: Number(text.slice(e + 1)) };
}

/** Exact decimal expansion of a positive double, rounded half-to-even to 18 digits. */
function exactDigits(x: number): { digits: string; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let power = biased - 1075;
  if (biased === 0) power = -1074;
  else mantissa |= 1n << 52n;
  // x = mantissa * 2^power = scaled * 10^-fraction
  let scaled: bigint;
  let fraction: number;
  if (power >= 0) {
    scaled = mantissa << BigInt(power);
    fraction = 0;
  } else {
    scaled = mantissa * 5n ** BigInt(-power);
    fraction = -power;
  }
  let all = scaled.toString();
  let exponent = all.length - 1 - fraction;
  if (all.length > PRECISION) {
    const head = BigInt(all.slice(0, PRECISION));
    const rest = all.slice(PRECISION);
    const half = "5" + "0".repeat(rest.length - 1);
    let rounded = head;
    if (rest > half || (rest === half && (head & 1n) === 1n)) rounded += 1n;
    all = rounded.toString();
    if (all.length > PRECISION) {
      all = all.slice(0, PRECISION);
      exponent += 1;
    }
  } else {
    all = all.padEnd(PRECISION, "0");
  }
  return { digits: all, exponent };
}

/** `%.18g` of a finite number (no `#` flag: trailing zeros and a bare point are removed). */
export function formatFloat18g(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const sign = x < 0 ? "-" : "";
  const { digits, exponent } = roundedDigits(Math.abs(x));
  if (exponent < -4 || exponent >= PRECISION) {
    const fractionDigits = digits.slice(1).replace(/0+$/, "");
    const mantissa = fractionDigits === "" ? digits[0] : `${digits[0]}.${fractionDigits}`;
    const magnitude = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${magnitude < 10 ? "0" : ""}${magnitude}`;
  }
  let text: string;
  if (exponent < 0) {
    text = `0.${"0".repeat(-exponent - 1)}${digits}`;
  } else {
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  return sign + text;
}
