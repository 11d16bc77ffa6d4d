-- Prints Prosody's SASLprep (libidn via util.encodings) of each hex-encoded argument after the
-- mode, one line each: the result hex-encoded, or "nil" when SASLprep rejects the string.
-- Boots Prosody 0.12 or 13 (boot.lua: $PROSODY_SRCDIR picks the installation).
local boot = dofile(((arg and arg[0] or ""):match("^(.*)/[^/]*$") or ".") .. "/../../interop/harness/boot.lua");
local saslprep = boot.require "util.encodings".stringprep.saslprep
local hex = boot.require "util.hex"
for i = 2, #arg do
	local out = saslprep(hex.decode(arg[i]))
	print(out and ("=" .. hex.encode(out)) or "nil")
end
