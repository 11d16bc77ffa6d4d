/**
 * The bidirectional classes the stringprep bidi rule (RFC 3454 section 6) needs, as Prosody
 * applies them: ICU's usprep (ICU 72 on Debian bookworm) takes them from its current Unicode
 * data, not from RFC 3454's tables D.1/D.2, so characters assigned since Unicode 3.2 (and a few
 * reclassified ones) count too. Measured from Prosody by asking util.encodings.stringprep.saslprep
 * about every code point (R/AL: rejected after "a", accepted as "x1x"; L: rejected between two
 * ARABIC LETTER ALEFs). test/format/stringprep.test.ts compares them with RFC 3454 D.1/D.2.
 */

const ranges = (body: string) => new RegExp(`[${body}]`, "u");

/** Characters of class R or AL. */
export const RAND_AL = ranges(
  "\u{590}\u{5BE}\u{5C0}\u{5C3}\u{5C6}\u{5C8}-\u{5FF}\u{608}\u{60B}\u{60D}\u{61B}-\u{64A}" +
  "\u{66D}-\u{66F}\u{671}-\u{6D5}\u{6E5}-\u{6E6}\u{6EE}-\u{6EF}\u{6FA}-\u{70E}\u{710}" +
  "\u{712}-\u{72F}\u{74B}-\u{7A5}\u{7B1}-\u{7EA}\u{7F4}-\u{7F5}\u{7FA}-\u{7FC}\u{7FE}-\u{815}" +
  "\u{81A}\u{824}\u{828}\u{82E}-\u{858}\u{85C}-\u{88F}\u{892}-\u{897}\u{8A0}-\u{8C9}" +
  "\u{2135}-\u{2138}\u{FB20}-\u{FB28}\u{FB37}\u{FB3D}\u{FB3F}\u{FB42}\u{FB45}\u{FB4F}-\u{FC5A}" +
  "\u{FC64}-\u{FC8F}\u{FC91}-\u{FCD8}\u{FCDA}-\u{FCF1}\u{FCF5}-\u{FD3B}\u{FD50}-\u{FDCE}" +
  "\u{FDF0}-\u{FDFC}\u{FE73}\u{FE75}\u{FE80}-\u{FEFE}\u{10800}-\u{1091E}\u{10920}-\u{10A00}" +
  "\u{10A04}\u{10A07}-\u{10A0B}\u{10A10}-\u{10A37}\u{10A3B}-\u{10A3E}\u{10A40}-\u{10AE4}" +
  "\u{10AE7}-\u{10B38}\u{10B40}-\u{10D23}\u{10D28}-\u{10D2F}\u{10D3A}-\u{10E5F}\u{10E7F}-\u{10EAA}" +
  "\u{10EAD}-\u{10EFC}\u{10F00}-\u{10F45}\u{10F51}-\u{10F81}\u{10F86}-\u{10FFF}\u{1E800}-\u{1E8CF}" +
  "\u{1E8D7}-\u{1E943}\u{1E94B}-\u{1EEEF}\u{1EEF2}-\u{1EFFF}"
);

/** Characters of class L. */
export const L_CAT = ranges(
  "\u{41}-\u{5A}\u{61}-\u{7A}\u{AA}\u{B5}\u{BA}\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{2B8}" +
  "\u{2BB}-\u{2C1}\u{2D0}-\u{2D1}\u{2E0}-\u{2E4}\u{2EE}\u{370}-\u{373}\u{376}-\u{379}" +
  "\u{37B}-\u{37D}\u{37F}-\u{383}\u{386}\u{388}-\u{3F5}\u{3F7}-\u{482}\u{48A}-\u{589}" +
  "\u{58B}-\u{58C}\u{903}-\u{939}\u{93B}\u{93D}-\u{940}\u{949}-\u{94C}\u{94E}-\u{950}" +
  "\u{958}-\u{961}\u{964}-\u{980}\u{982}-\u{9BB}\u{9BD}-\u{9C0}\u{9C5}-\u{9CC}\u{9CE}-\u{9E1}" +
  "\u{9E4}-\u{9F1}\u{9F4}-\u{9FA}\u{9FC}-\u{9FD}\u{9FF}-\u{A00}\u{A03}-\u{A3B}\u{A3D}-\u{A40}" +
  "\u{A43}-\u{A46}\u{A49}-\u{A4A}\u{A4E}-\u{A50}\u{A52}-\u{A6F}\u{A72}-\u{A74}\u{A76}-\u{A80}" +
  "\u{A83}-\u{ABB}\u{ABD}-\u{AC0}\u{AC6}\u{AC9}-\u{ACC}\u{ACE}-\u{AE1}\u{AE4}-\u{AF0}" +
  "\u{AF2}-\u{AF9}\u{B00}\u{B02}-\u{B3B}\u{B3D}-\u{B3E}\u{B40}\u{B45}-\u{B4C}\u{B4E}-\u{B54}" +
  "\u{B57}-\u{B61}\u{B64}-\u{B81}\u{B83}-\u{BBF}\u{BC1}-\u{BCC}\u{BCE}-\u{BF2}\u{BFB}-\u{BFF}" +
  "\u{C01}-\u{C03}\u{C05}-\u{C3B}\u{C3D}\u{C41}-\u{C45}\u{C49}\u{C4E}-\u{C54}\u{C57}-\u{C61}" +
  "\u{C64}-\u{C77}\u{C7F}-\u{C80}\u{C82}-\u{CBB}\u{CBD}-\u{CCB}\u{CCE}-\u{CE1}\u{CE4}-\u{CFF}" +
  "\u{D02}-\u{D3A}\u{D3D}-\u{D40}\u{D45}-\u{D4C}\u{D4E}-\u{D61}\u{D64}-\u{D80}\u{D82}-\u{DC9}" +
  "\u{DCB}-\u{DD1}\u{DD5}\u{DD7}-\u{E30}\u{E32}-\u{E33}\u{E3B}-\u{E3E}\u{E40}-\u{E46}" +
  "\u{E4F}-\u{EB0}\u{EB2}-\u{EB3}\u{EBD}-\u{EC7}\u{ECF}-\u{F17}\u{F1A}-\u{F34}\u{F36}\u{F38}" +
  "\u{F3E}-\u{F70}\u{F7F}\u{F85}\u{F88}-\u{F8C}\u{F98}\u{FBD}-\u{FC5}\u{FC7}-\u{102C}\u{1031}" +
  "\u{1038}\u{103B}-\u{103C}\u{103F}-\u{1057}\u{105A}-\u{105D}\u{1061}-\u{1070}\u{1075}-\u{1081}" +
  "\u{1083}-\u{1084}\u{1087}-\u{108C}\u{108E}-\u{109C}\u{109E}-\u{135C}\u{1360}-\u{138F}" +
  "\u{139A}-\u{13FF}\u{1401}-\u{167F}\u{1681}-\u{169A}\u{169D}-\u{1711}\u{1715}-\u{1731}" +
  "\u{1734}-\u{1751}\u{1754}-\u{1771}\u{1774}-\u{17B3}\u{17B6}\u{17BE}-\u{17C5}\u{17C7}-\u{17C8}" +
  "\u{17D4}-\u{17DA}\u{17DC}\u{17DE}-\u{17EF}\u{17FA}-\u{17FF}\u{1810}-\u{1884}\u{1887}-\u{18A8}" +
  "\u{18AA}-\u{191F}\u{1923}-\u{1926}\u{1929}-\u{1931}\u{1933}-\u{1938}\u{193C}-\u{193F}" +
  "\u{1941}-\u{1943}\u{1946}-\u{19DD}\u{1A00}-\u{1A16}\u{1A19}-\u{1A1A}\u{1A1C}-\u{1A55}\u{1A57}" +
  "\u{1A5F}\u{1A61}\u{1A63}-\u{1A64}\u{1A6D}-\u{1A72}\u{1A7D}-\u{1A7E}\u{1A80}-\u{1AAF}" +
  "\u{1ACF}-\u{1AFF}\u{1B04}-\u{1B33}\u{1B35}\u{1B3B}\u{1B3D}-\u{1B41}\u{1B43}-\u{1B6A}" +
  "\u{1B74}-\u{1B7F}\u{1B82}-\u{1BA1}\u{1BA6}-\u{1BA7}\u{1BAA}\u{1BAE}-\u{1BE5}\u{1BE7}" +
  "\u{1BEA}-\u{1BEC}\u{1BEE}\u{1BF2}-\u{1C2B}\u{1C34}-\u{1C35}\u{1C38}-\u{1CCF}\u{1CD3}\u{1CE1}" +
  "\u{1CE9}-\u{1CEC}\u{1CEE}-\u{1CF3}\u{1CF5}-\u{1CF7}\u{1CFA}-\u{1DBF}\u{1E00}-\u{1FBC}\u{1FBE}" +
  "\u{1FC2}-\u{1FCC}\u{1FD0}-\u{1FDC}\u{1FE0}-\u{1FEC}\u{1FF0}-\u{1FFC}\u{1FFF}\u{2071}-\u{2073}" +
  "\u{207F}\u{208F}-\u{209F}\u{20A8}\u{20F1}-\u{2103}\u{2105}-\u{2107}\u{2109}-\u{2113}" +
  "\u{2115}-\u{2116}\u{2119}-\u{211D}\u{2120}-\u{2122}\u{2124}\u{2126}\u{2128}\u{212A}-\u{212D}" +
  "\u{212F}-\u{2134}\u{2139}\u{213C}-\u{213F}\u{2145}-\u{2149}\u{214E}-\u{214F}\u{2160}-\u{2188}" +
  "\u{218C}-\u{218F}\u{2336}-\u{237A}\u{2395}\u{2427}-\u{243F}\u{244B}-\u{245F}\u{249C}-\u{24E9}" +
  "\u{26AC}\u{2800}-\u{28FF}\u{2B74}-\u{2B75}\u{2B96}\u{2C00}-\u{2CE4}\u{2CEB}-\u{2CEE}" +
  "\u{2CF2}-\u{2CF8}\u{2D00}-\u{2D7E}\u{2D80}-\u{2DDF}\u{2E5E}-\u{2E7F}\u{2E9A}\u{2E9F}" +
  "\u{2EF3}-\u{2FEF}\u{2FFC}-\u{2FFF}\u{3005}-\u{3007}\u{3021}-\u{3029}\u{302E}-\u{302F}" +
  "\u{3031}-\u{3035}\u{3038}-\u{303C}\u{3040}-\u{3098}\u{309D}-\u{309F}\u{30A1}-\u{30FA}" +
  "\u{30FC}-\u{31BF}\u{31E4}-\u{321C}\u{321F}-\u{324F}\u{3260}-\u{327B}\u{327F}-\u{32B0}" +
  "\u{32C0}-\u{32CB}\u{32D0}-\u{3376}\u{337B}-\u{33DD}\u{33E0}-\u{33FE}\u{3400}-\u{4DBF}" +
  "\u{4E00}-\u{A48F}\u{A4C7}-\u{A60C}\u{A610}-\u{A66E}\u{A680}-\u{A69D}\u{A6A0}-\u{A6EF}" +
  "\u{A6F2}-\u{A6FF}\u{A722}-\u{A787}\u{A789}-\u{A801}\u{A803}-\u{A805}\u{A807}-\u{A80A}" +
  "\u{A80C}-\u{A824}\u{A827}\u{A82D}-\u{A837}\u{A83A}-\u{A873}\u{A878}-\u{A8C3}\u{A8C6}-\u{A8DF}" +
  "\u{A8F2}-\u{A8FE}\u{A900}-\u{A925}\u{A92E}-\u{A946}\u{A952}-\u{A97F}\u{A983}-\u{A9B2}" +
  "\u{A9B4}-\u{A9B5}\u{A9BA}-\u{A9BB}\u{A9BE}-\u{A9E4}\u{A9E6}-\u{AA28}\u{AA2F}-\u{AA30}" +
  "\u{AA33}-\u{AA34}\u{AA37}-\u{AA42}\u{AA44}-\u{AA4B}\u{AA4D}-\u{AA7B}\u{AA7D}-\u{AAAF}\u{AAB1}" +
  "\u{AAB5}-\u{AAB6}\u{AAB9}-\u{AABD}\u{AAC0}\u{AAC2}-\u{AAEB}\u{AAEE}-\u{AAF5}\u{AAF7}-\u{AB69}" +
  "\u{AB6C}-\u{ABE4}\u{ABE6}-\u{ABE7}\u{ABE9}-\u{ABEC}\u{ABEE}-\u{D7FF}\u{F900}-\u{FB1C}" +
  "\u{FE1A}-\u{FE1F}\u{FE53}\u{FE67}\u{FE6C}-\u{FE6F}\u{FF00}\u{FF21}-\u{FF3A}\u{FF41}-\u{FF5A}" +
  "\u{FF66}-\u{FF9D}\u{FFA0}-\u{FFDF}\u{FFE7}\u{FFEF}\u{10000}-\u{10100}\u{10102}-\u{1013F}" +
  "\u{1018D}-\u{1018F}\u{1019D}-\u{1019F}\u{101A1}-\u{101FC}\u{101FE}-\u{102DF}\u{102FC}-\u{10375}" +
  "\u{1037B}-\u{107FF}\u{11000}\u{11002}-\u{11037}\u{11047}-\u{11051}\u{11066}-\u{1106F}" +
  "\u{11071}-\u{11072}\u{11075}-\u{1107E}\u{11082}-\u{110B2}\u{110B7}-\u{110B8}\u{110BB}-\u{110C1}" +
  "\u{110C3}-\u{110FF}\u{11103}-\u{11126}\u{1112C}\u{11135}-\u{11172}\u{11174}-\u{1117F}" +
  "\u{11182}-\u{111B5}\u{111BF}-\u{111C8}\u{111CD}-\u{111CE}\u{111D0}-\u{1122E}\u{11232}-\u{11233}" +
  "\u{11235}\u{11238}-\u{1123D}\u{1123F}-\u{11240}\u{11242}-\u{112DE}\u{112E0}-\u{112E2}" +
  "\u{112EB}-\u{112FF}\u{11302}-\u{1133A}\u{1133D}-\u{1133F}\u{11341}-\u{11365}\u{1136D}-\u{1136F}" +
  "\u{11375}-\u{11437}\u{11440}-\u{11441}\u{11445}\u{11447}-\u{1145D}\u{1145F}-\u{114B2}\u{114B9}" +
  "\u{114BB}-\u{114BE}\u{114C1}\u{114C4}-\u{115B1}\u{115B6}-\u{115BB}\u{115BE}\u{115C1}-\u{115DB}" +
  "\u{115DE}-\u{11632}\u{1163B}-\u{1163C}\u{1163E}\u{11641}-\u{1165F}\u{1166D}-\u{116AA}\u{116AC}" +
  "\u{116AE}-\u{116AF}\u{116B6}\u{116B8}-\u{1171C}\u{11720}-\u{11721}\u{11726}\u{1172C}-\u{1182E}" +
  "\u{11838}\u{1183B}-\u{1193A}\u{1193D}\u{1193F}-\u{11942}\u{11944}-\u{119D3}\u{119D8}-\u{119D9}" +
  "\u{119DC}-\u{119DF}\u{119E1}-\u{11A00}\u{11A07}-\u{11A08}\u{11A0B}-\u{11A32}\u{11A39}-\u{11A3A}" +
  "\u{11A3F}-\u{11A46}\u{11A48}-\u{11A50}\u{11A57}-\u{11A58}\u{11A5C}-\u{11A89}\u{11A97}" +
  "\u{11A9A}-\u{11C2F}\u{11C37}\u{11C3E}-\u{11C91}\u{11CA8}-\u{11CA9}\u{11CB1}\u{11CB4}" +
  "\u{11CB7}-\u{11D30}\u{11D37}-\u{11D39}\u{11D3B}\u{11D3E}\u{11D46}\u{11D48}-\u{11D8F}" +
  "\u{11D92}-\u{11D94}\u{11D96}\u{11D98}-\u{11EF2}\u{11EF5}-\u{11EFF}\u{11F02}-\u{11F35}" +
  "\u{11F3B}-\u{11F3F}\u{11F41}\u{11F43}-\u{11FD4}\u{11FF2}-\u{1343F}\u{13441}-\u{13446}" +
  "\u{13456}-\u{16AEF}\u{16AF5}-\u{16B2F}\u{16B37}-\u{16F4E}\u{16F50}-\u{16F8E}\u{16F93}-\u{16FE1}" +
  "\u{16FE3}\u{16FE5}-\u{1BC9C}\u{1BC9F}\u{1BCA4}-\u{1CEFF}\u{1CF2E}-\u{1CF2F}\u{1CF47}-\u{1D166}" +
  "\u{1D16A}-\u{1D172}\u{1D183}-\u{1D184}\u{1D18C}-\u{1D1A9}\u{1D1AE}-\u{1D1E8}\u{1D1EB}-\u{1D1FF}" +
  "\u{1D246}-\u{1D2FF}\u{1D357}-\u{1D6C0}\u{1D6C2}-\u{1D6DA}\u{1D6DC}-\u{1D6FA}\u{1D6FC}-\u{1D714}" +
  "\u{1D716}-\u{1D734}\u{1D736}-\u{1D74E}\u{1D750}-\u{1D76E}\u{1D770}-\u{1D788}\u{1D78A}-\u{1D7A8}" +
  "\u{1D7AA}-\u{1D7C2}\u{1D7C4}-\u{1D7CD}\u{1D800}-\u{1D9FF}\u{1DA37}-\u{1DA3A}\u{1DA6D}-\u{1DA74}" +
  "\u{1DA76}-\u{1DA83}\u{1DA85}-\u{1DA9A}\u{1DAA0}\u{1DAB0}-\u{1DFFF}\u{1E007}\u{1E019}-\u{1E01A}" +
  "\u{1E022}\u{1E025}\u{1E02B}-\u{1E08E}\u{1E090}-\u{1E12F}\u{1E137}-\u{1E2AD}\u{1E2AF}-\u{1E2EB}" +
  "\u{1E2F0}-\u{1E2FE}\u{1E300}-\u{1E4EB}\u{1E4F0}-\u{1E7FF}\u{1F02C}-\u{1F02F}\u{1F094}-\u{1F09F}" +
  "\u{1F0AF}-\u{1F0B0}\u{1F0C0}\u{1F0D0}\u{1F0F6}-\u{1F0FF}\u{1F110}-\u{1F12E}\u{1F130}-\u{1F169}" +
  "\u{1F170}-\u{1F1AC}\u{1F1AE}-\u{1F25F}\u{1F266}-\u{1F2FF}\u{1F6D8}-\u{1F6DB}\u{1F6ED}-\u{1F6EF}" +
  "\u{1F6FD}-\u{1F6FF}\u{1F777}-\u{1F77A}\u{1F7DA}-\u{1F7DF}\u{1F7EC}-\u{1F7EF}\u{1F7F1}-\u{1F7FF}" +
  "\u{1F80C}-\u{1F80F}\u{1F848}-\u{1F84F}\u{1F85A}-\u{1F85F}\u{1F888}-\u{1F88F}\u{1F8AE}-\u{1F8AF}" +
  "\u{1F8B2}-\u{1F8FF}\u{1FA54}-\u{1FA5F}\u{1FA6E}-\u{1FA6F}\u{1FA7D}-\u{1FA7F}\u{1FA89}-\u{1FA8F}" +
  "\u{1FABE}\u{1FAC6}-\u{1FACD}\u{1FADC}-\u{1FADF}\u{1FAE9}-\u{1FAEF}\u{1FAF9}-\u{1FAFF}\u{1FB93}" +
  "\u{1FBCB}-\u{1FBEF}\u{1FBFA}-\u{1FFFD}\u{20000}-\u{2FFFD}\u{30000}-\u{3FFFD}\u{40000}-\u{4FFFD}" +
  "\u{50000}-\u{5FFFD}\u{60000}-\u{6FFFD}\u{70000}-\u{7FFFD}\u{80000}-\u{8FFFD}\u{90000}-\u{9FFFD}" +
  "\u{A0000}-\u{AFFFD}\u{B0000}-\u{BFFFD}\u{C0000}-\u{CFFFD}\u{D0000}-\u{DFFFD}\u{E1000}-\u{EFFFD}"
);
