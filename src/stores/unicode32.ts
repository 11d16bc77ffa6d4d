/* eslint-disable no-misleading-character-class -- these classes list code points and ranges, never user-perceived characters */
/**
 * Code points that Unicode 3.2 (the version stringprep, and so libidn and Prosody, is fixed to)
 * left unassigned, but that today's Unicode assigns with a decomposition or a combining class.
 * libidn treats them as unassigned: it neither decomposes nor reorders them, so SASLprep must
 * leave them alone where String.prototype.normalize would change them. Made from Python's
 * unicodedata (current data against its ucd_3_2_0 snapshot), 232 ranges.
 */
export const NEWER_THAN_UNICODE_32 = new RegExp(
  "[" +
  "\u{350}-\u{35F}\u{3F9}\u{487}\u{5A2}\u{5BA}\u{5C5}\u{5C7}\u{610}-\u{61A}\u{656}-\u{65F}" +
  "\u{7EB}-\u{7F3}\u{7FD}\u{816}-\u{819}\u{81B}-\u{823}\u{825}-\u{827}\u{829}-\u{82D}\u{859}-\u{85B}" +
  "\u{898}-\u{89F}\u{8CA}-\u{8E1}\u{8E3}-\u{8FF}\u{9FE}\u{C3C}\u{CBC}\u{D3B}-\u{D3C}\u{EBA}\u{103A}" +
  "\u{108D}\u{10FC}\u{135D}-\u{135F}\u{1715}\u{17DD}\u{1939}-\u{193B}\u{1A17}-\u{1A18}\u{1A60}" +
  "\u{1A75}-\u{1A7C}\u{1A7F}\u{1AB0}-\u{1ABD}\u{1ABF}-\u{1ACE}\u{1B06}\u{1B08}\u{1B0A}\u{1B0C}\u{1B0E}" +
  "\u{1B12}\u{1B34}\u{1B3B}\u{1B3D}\u{1B40}-\u{1B41}\u{1B43}-\u{1B44}\u{1B6B}-\u{1B73}\u{1BAA}-\u{1BAB}" +
  "\u{1BE6}\u{1BF2}-\u{1BF3}\u{1C37}\u{1CD0}-\u{1CD2}\u{1CD4}-\u{1CE0}\u{1CE2}-\u{1CE8}\u{1CED}\u{1CF4}" +
  "\u{1CF8}-\u{1CF9}\u{1D2C}-\u{1D2E}\u{1D30}-\u{1D3A}\u{1D3C}-\u{1D4D}\u{1D4F}-\u{1D6A}\u{1D78}" +
  "\u{1D9B}-\u{1DFF}\u{2090}-\u{209C}\u{20EB}-\u{20F0}\u{213B}-\u{213C}\u{2150}-\u{2152}\u{2189}" +
  "\u{2C7C}-\u{2C7D}\u{2CEF}-\u{2CF1}\u{2D6F}\u{2D7F}\u{2DE0}-\u{2DFF}\u{321D}-\u{321E}" +
  "\u{3244}-\u{3247}\u{3250}\u{327C}-\u{327E}\u{32CC}-\u{32CF}\u{32FF}\u{3377}-\u{337A}" +
  "\u{33DE}-\u{33DF}\u{33FF}\u{A66F}\u{A674}-\u{A67D}\u{A69C}-\u{A69F}\u{A6F0}-\u{A6F1}\u{A770}" +
  "\u{A7F2}-\u{A7F4}\u{A7F8}-\u{A7F9}\u{A806}\u{A82C}\u{A8C4}\u{A8E0}-\u{A8F1}\u{A92B}-\u{A92D}\u{A953}" +
  "\u{A9B3}\u{A9C0}\u{AAB0}\u{AAB2}-\u{AAB4}\u{AAB7}-\u{AAB8}\u{AABE}-\u{AABF}\u{AAC1}\u{AAF6}" +
  "\u{AB5C}-\u{AB5F}\u{AB69}\u{ABED}\u{FA2E}-\u{FA2F}\u{FA6B}-\u{FA6D}\u{FA70}-\u{FAD9}" +
  "\u{FE10}-\u{FE19}\u{FE24}-\u{FE2F}\u{FE47}-\u{FE48}\u{101FD}\u{102E0}\u{10376}-\u{1037A}" +
  "\u{10781}-\u{10785}\u{10787}-\u{107B0}\u{107B2}-\u{107BA}\u{10A0D}\u{10A0F}\u{10A38}-\u{10A3A}" +
  "\u{10A3F}\u{10AE5}-\u{10AE6}\u{10D24}-\u{10D27}\u{10EAB}-\u{10EAC}\u{10F46}-\u{10F50}" +
  "\u{10F82}-\u{10F85}\u{11046}\u{11070}\u{1107F}\u{1109A}\u{1109C}\u{110AB}\u{110B9}-\u{110BA}" +
  "\u{11100}-\u{11102}\u{1112E}-\u{1112F}\u{11133}-\u{11134}\u{11173}\u{111C0}\u{111CA}" +
  "\u{11235}-\u{11236}\u{112E9}-\u{112EA}\u{1133B}-\u{1133C}\u{1134B}-\u{1134D}\u{11366}-\u{1136C}" +
  "\u{11370}-\u{11374}\u{11442}\u{11446}\u{1145E}\u{114BB}-\u{114BC}\u{114BE}\u{114C2}-\u{114C3}" +
  "\u{115BA}-\u{115BB}\u{115BF}-\u{115C0}\u{1163F}\u{116B6}-\u{116B7}\u{1172B}\u{11839}-\u{1183A}" +
  "\u{11938}\u{1193D}-\u{1193E}\u{11943}\u{119E0}\u{11A34}\u{11A47}\u{11A99}\u{11C3F}\u{11D42}" +
  "\u{11D44}-\u{11D45}\u{11D97}\u{16AF0}-\u{16AF4}\u{16B30}-\u{16B36}\u{16FF0}-\u{16FF1}\u{1BC9E}" +
  "\u{1D242}-\u{1D244}\u{1D4C1}\u{1D6A4}-\u{1D6A5}\u{1D7CA}-\u{1D7CB}\u{1E000}-\u{1E006}" +
  "\u{1E008}-\u{1E018}\u{1E01B}-\u{1E021}\u{1E023}-\u{1E024}\u{1E026}-\u{1E02A}\u{1E130}-\u{1E136}" +
  "\u{1E2AE}\u{1E2EC}-\u{1E2EF}\u{1E8D0}-\u{1E8D6}\u{1E944}-\u{1E94A}\u{1EE00}-\u{1EE03}" +
  "\u{1EE05}-\u{1EE1F}\u{1EE21}-\u{1EE22}\u{1EE24}\u{1EE27}\u{1EE29}-\u{1EE32}\u{1EE34}-\u{1EE37}" +
  "\u{1EE39}\u{1EE3B}\u{1EE42}\u{1EE47}\u{1EE49}\u{1EE4B}\u{1EE4D}-\u{1EE4F}\u{1EE51}-\u{1EE52}" +
  "\u{1EE54}\u{1EE57}\u{1EE59}\u{1EE5B}\u{1EE5D}\u{1EE5F}\u{1EE61}-\u{1EE62}\u{1EE64}" +
  "\u{1EE67}-\u{1EE6A}\u{1EE6C}-\u{1EE72}\u{1EE74}-\u{1EE77}\u{1EE79}-\u{1EE7C}\u{1EE7E}" +
  "\u{1EE80}-\u{1EE89}\u{1EE8B}-\u{1EE9B}\u{1EEA1}-\u{1EEA3}\u{1EEA5}-\u{1EEA9}\u{1EEAB}-\u{1EEBB}" +
  "\u{1F100}-\u{1F10A}\u{1F110}-\u{1F12E}\u{1F130}-\u{1F14F}\u{1F16A}-\u{1F16C}\u{1F190}" +
  "\u{1F200}-\u{1F202}\u{1F210}-\u{1F23B}\u{1F240}-\u{1F248}\u{1F250}-\u{1F251}\u{1FBF0}-\u{1FBF9}" +
    "]",
  "gu",
);
