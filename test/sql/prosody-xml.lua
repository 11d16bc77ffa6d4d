-- Parses each NUL-terminated document on stdin as XML with Prosody's util.xml (expat) and prints the stanza as a
-- Lua data chunk (st.preserialize + util.serialization), to compare with what was written.
package.path = "/usr/lib/prosody/?.lua;" .. package.path
package.cpath = "/usr/lib/prosody/?.so;" .. package.cpath
local xml = require "util.xml"
local st = require "util.stanza"
local serialize = require "util.serialization".new({ preset = "oneline", fatal = true })

for line in io.read("a"):gmatch("([^%z]*)%z") do
	local stanza, err = xml.parse(line)
	if not stanza then
		io.write("error: ", tostring(err), "\n")
	else
		io.write("return ", serialize(st.preserialize(stanza)), ";\n")
	end
end
