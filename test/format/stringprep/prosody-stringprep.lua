-- Reads lines "PROFILE STRICT HEX" on stdin (PROFILE: nodeprep, nameprep, resourceprep or
-- saslprep; STRICT: 1 to refuse unassigned code points, else 0; HEX: the input's bytes) and prints, for each, Prosody's
-- util.encodings.stringprep result hex-encoded after "=", or "nil" when Prosody refuses it.
package.cpath = "/usr/lib/prosody/?.so;" .. package.cpath
package.path = "/usr/lib/prosody/?.lua;" .. package.path
local stringprep = require "util.encodings".stringprep
local hex = require "util.hex"
io.stdout:setvbuf("full")
for line in io.lines() do
	local profile, strict, input = line:match("^(%a+) ([01]) (%x*)$")
	local out = stringprep[profile](hex.decode(input), strict == "1")
	io.stdout:write(out and ("=" .. hex.encode(out)) or "nil", "\n")
end
