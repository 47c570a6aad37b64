"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target2) => (target2 = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target2, "default", { value: mod, enumerable: true }) : target2,
  mod
));

// .tmp-explore/b.ts
var import_node_fs2 = require("node:fs");

// server/pdf/certificate-pdf.ts
var import_pdf_lib2 = require("pdf-lib");

// core/algorithms.ts
var ALGORITHMS = Object.freeze({
  [-7]: Object.freeze({ id: -7, name: "ES256", kty: "EC", hash: "SHA-256" }),
  [-35]: Object.freeze({ id: -35, name: "ES384", kty: "EC", hash: "SHA-384" }),
  [-36]: Object.freeze({ id: -36, name: "ES512", kty: "EC", hash: "SHA-512" }),
  [-37]: Object.freeze({ id: -37, name: "PS256", kty: "RSA", hash: "SHA-256" }),
  [-38]: Object.freeze({ id: -38, name: "PS384", kty: "RSA", hash: "SHA-384" }),
  [-39]: Object.freeze({ id: -39, name: "PS512", kty: "RSA", hash: "SHA-512" })
});
var DEFAULT_ALLOWED_ALGORITHMS = Object.freeze([-7, -37]);

// core/errors.ts
var ERROR_CODES = Object.freeze([
  "PREFIX_UNKNOWN",
  "BASE45_INVALID",
  "ZLIB_INVALID",
  "SIZE_LIMIT",
  "CBOR_INVALID",
  "COSE_INVALID",
  "CWT_INVALID",
  "ALG_UNSUPPORTED",
  "KID_UNKNOWN",
  "KEY_USAGE_MISMATCH",
  "SIGNATURE_INVALID",
  "EXPIRED",
  "NOT_YET_VALID",
  "SCHEMA_INVALID",
  "REVOKED",
  "DECRYPT_FAILED"
]);
var IthcError = class extends Error {
  code;
  /** Structured detail for programs (never secret material). */
  detail;
  constructor(code, message, detail) {
    super(message);
    this.name = "IthcError";
    this.code = code;
    if (detail) this.detail = detail;
  }
};

// core/base45.ts
var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
var INDEX = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i2 = 0; i2 < ALPHABET.length; i2++) t[ALPHABET.charCodeAt(i2)] = i2;
  return t;
})();
function decodeBase45(s) {
  const rem = s.length % 3;
  if (rem === 1) throw new IthcError("BASE45_INVALID", `base45 text has an impossible length (${s.length})`);
  const out = new Uint8Array(Math.floor(s.length / 3) * 2 + (rem === 2 ? 1 : 0));
  let o = 0;
  let i2 = 0;
  for (; i2 + 2 < s.length; i2 += 3) {
    const c0 = s.charCodeAt(i2), c1 = s.charCodeAt(i2 + 1), c2 = s.charCodeAt(i2 + 2);
    const d0 = c0 < 128 ? INDEX[c0] : -1, d1 = c1 < 128 ? INDEX[c1] : -1, d2 = c2 < 128 ? INDEX[c2] : -1;
    if ((d0 | d1 | d2) < 0) bad(s, i2);
    const n = d0 + d1 * 45 + d2 * 2025;
    if (n > 65535) throw new IthcError("BASE45_INVALID", `base45 group at position ${i2} exceeds two bytes`);
    out[o++] = n >> 8;
    out[o++] = n & 255;
  }
  if (rem === 2) {
    const c0 = s.charCodeAt(i2), c1 = s.charCodeAt(i2 + 1);
    const d0 = c0 < 128 ? INDEX[c0] : -1, d1 = c1 < 128 ? INDEX[c1] : -1;
    if ((d0 | d1) < 0) bad(s, i2);
    const n = d0 + d1 * 45;
    if (n > 255) throw new IthcError("BASE45_INVALID", `base45 tail at position ${i2} exceeds one byte`);
    out[o++] = n;
  }
  return out;
}
function bad(s, from) {
  let k = from;
  while (k < s.length && s.charCodeAt(k) < 128 && INDEX[s.charCodeAt(k)] >= 0) k++;
  throw new IthcError("BASE45_INVALID", `character ${JSON.stringify(s[k])} at position ${k} is not base45`);
}

// core/bytes.ts
var HEX = Array.from({ length: 256 }, (_, i2) => i2.toString(16).padStart(2, "0"));
var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
var B64_INDEX = (() => {
  const t = new Int16Array(256).fill(-1);
  for (let i2 = 0; i2 < 64; i2++) t[B64.charCodeAt(i2)] = i2;
  t["-".charCodeAt(0)] = 62;
  t["_".charCodeAt(0)] = 63;
  return t;
})();
var encoder = new TextEncoder();
var decoder = new TextDecoder("utf-8", { fatal: true });

// node_modules/cbor-x/decode.js
var decoder2;
try {
  decoder2 = new TextDecoder();
} catch (error) {
}
var src;
var srcEnd;
var position = 0;
var EMPTY_ARRAY = [];
var LEGACY_RECORD_INLINE_ID = 105;
var RECORD_DEFINITIONS_ID = 57342;
var RECORD_INLINE_ID = 57343;
var BUNDLED_STRINGS_ID = 57337;
var PACKED_REFERENCE_TAG_ID = 6;
var maxArraySize = 11281e4;
var maxMapSize = 1681e4;
var maxObjectSize = 1671e4;
var objectSizeLimit = maxObjectSize;
var strings = EMPTY_ARRAY;
var stringPosition = 0;
var currentDecoder = {};
var currentStructures;
var srcString;
var srcStringStart = 0;
var srcStringEnd = 0;
var bundledStrings;
var referenceMap;
var currentExtensions = [];
var currentExtensionRanges = [];
var packedValues;
var dataView;
var restoreMapsAsObject;
var defaultOptions = {
  useRecords: false,
  mapsAsObjects: true
};
var sequentialMode = false;
var inlineObjectReadThreshold = 2;
try {
  new Function("");
} catch (error) {
  inlineObjectReadThreshold = Infinity;
}
var Decoder = class _Decoder {
  constructor(options) {
    if (options) {
      if ((options.keyMap || options._keyMap) && !options.useRecords) {
        options.useRecords = false;
        options.mapsAsObjects = true;
      }
      if (options.useRecords === false && options.mapsAsObjects === void 0)
        options.mapsAsObjects = true;
      if (options.getStructures)
        options.getShared = options.getStructures;
      if (options.getShared && !options.structures)
        (options.structures = []).uninitialized = true;
      if (options.keyMap) {
        this.mapKey = /* @__PURE__ */ new Map();
        for (let [k, v] of Object.entries(options.keyMap)) this.mapKey.set(v, k);
      }
    }
    Object.assign(this, options);
  }
  /*
  decodeKey(key) {
  	return this.keyMap
  		? Object.keys(this.keyMap)[Object.values(this.keyMap).indexOf(key)] || key
  		: key
  }
  */
  decodeKey(key) {
    return this.keyMap ? this.mapKey.get(key) || key : key;
  }
  encodeKey(key) {
    return this.keyMap && this.keyMap.hasOwnProperty(key) ? this.keyMap[key] : key;
  }
  encodeKeys(rec) {
    if (!this._keyMap) return rec;
    let map = /* @__PURE__ */ new Map();
    for (let [k, v] of Object.entries(rec)) map.set(this._keyMap.hasOwnProperty(k) ? this._keyMap[k] : k, v);
    return map;
  }
  decodeKeys(map) {
    if (!this._keyMap || map.constructor.name != "Map") return map;
    if (!this._mapKey) {
      this._mapKey = /* @__PURE__ */ new Map();
      for (let [k, v] of Object.entries(this._keyMap)) this._mapKey.set(v, k);
    }
    let res = {};
    map.forEach((v, k) => res[safeKey(this._mapKey.has(k) ? this._mapKey.get(k) : k)] = v);
    return res;
  }
  mapDecode(source, end) {
    let res = this.decode(source);
    if (this._keyMap) {
      switch (res.constructor.name) {
        case "Array":
          return res.map((r) => this.decodeKeys(r));
      }
    }
    return res;
  }
  decode(source, end) {
    if (src) {
      return saveState(() => {
        clearSource();
        return this ? this.decode(source, end) : _Decoder.prototype.decode.call(defaultOptions, source, end);
      });
    }
    srcEnd = end > -1 && end < source.length ? end : source.length;
    position = 0;
    stringPosition = 0;
    srcStringEnd = 0;
    srcString = null;
    strings = EMPTY_ARRAY;
    bundledStrings = null;
    src = source;
    try {
      dataView = source.dataView || (source.dataView = new DataView(source.buffer, source.byteOffset, source.byteLength));
    } catch (error) {
      src = null;
      if (source instanceof Uint8Array)
        throw error;
      throw new Error("Source must be a Uint8Array or Buffer but was a " + (source && typeof source == "object" ? source.constructor.name : typeof source));
    }
    if (this instanceof _Decoder) {
      currentDecoder = this;
      packedValues = this.sharedValues && (this.pack ? new Array(this.maxPrivatePackedValues || 16).concat(this.sharedValues) : this.sharedValues);
      if (this.structures) {
        currentStructures = this.structures;
        return checkedRead();
      } else if (!currentStructures || currentStructures.length > 0) {
        currentStructures = [];
      }
    } else {
      currentDecoder = defaultOptions;
      if (!currentStructures || currentStructures.length > 0)
        currentStructures = [];
      packedValues = null;
    }
    return checkedRead();
  }
  decodeMultiple(source, forEach) {
    if (src) {
      return saveState(() => {
        clearSource();
        return this ? this.decodeMultiple(source, forEach) : defaultDecoder.decodeMultiple(source, forEach);
      });
    }
    let values, lastPosition = 0;
    try {
      let size = source.length;
      sequentialMode = true;
      let value = this ? this.decode(source, size) : defaultDecoder.decode(source, size);
      if (forEach) {
        let end = position;
        if (forEach(value) === false) {
          return;
        }
        while (end < size) {
          lastPosition = end;
          value = checkedRead();
          end = position;
          if (forEach(value) === false) {
            return;
          }
        }
      } else {
        values = [value];
        while (position < size) {
          lastPosition = position;
          values.push(checkedRead());
        }
        return values;
      }
    } catch (error) {
      if (error && (typeof error == "object" || typeof error == "function")) {
        error.lastPosition = lastPosition;
        error.values = values;
      }
      throw error;
    } finally {
      sequentialMode = false;
      clearSource();
    }
  }
};
var nestedDecodeErrors = /* @__PURE__ */ new WeakSet();
var arrayAllocationBudget;
function checkedRead() {
  try {
    arrayAllocationBudget = srcEnd - position;
    let result = read();
    if (bundledStrings) {
      if (position >= bundledStrings.postBundlePosition)
        throw new Error("Unexpected bundle position");
      position = bundledStrings.postBundlePosition;
      bundledStrings = null;
    }
    if (position == srcEnd) {
      currentStructures = null;
      src = null;
      if (referenceMap)
        referenceMap = null;
    } else if (position > srcEnd) {
      let error = new Error("Unexpected end of CBOR data");
      error.incomplete = true;
      throw error;
    } else if (!sequentialMode) {
      throw new Error("Data read, but end of buffer not reached");
    }
    return result;
  } catch (error) {
    clearSource();
    if (nestedDecodeErrors.has(error)) {
      if (error.incomplete)
        error.incomplete = false;
    } else if (error instanceof RangeError && position + 8 > srcEnd || error && typeof error.message == "string" && error.message.startsWith("Unexpected end of buffer")) {
      error.incomplete = true;
    }
    throw error;
  }
}
function readBreak() {
  if (position < srcEnd && src[position] === 255) {
    position++;
    return true;
  }
  return false;
}
function endOfCBORError(neededEnd) {
  let error = new Error("Unexpected end of CBOR data");
  error.incomplete = true;
  if (neededEnd)
    error.neededEnd = neededEnd;
  return error;
}
function read() {
  if (!(position < srcEnd)) throw endOfCBORError();
  let token = src[position++];
  let majorType = token >> 5;
  token = token & 31;
  if (token > 23) {
    switch (token) {
      case 24:
        if (position >= srcEnd) throw endOfCBORError();
        token = src[position++];
        break;
      case 25:
        if (majorType == 7) {
          return getFloat16();
        }
        token = dataView.getUint16(position);
        position += 2;
        break;
      case 26:
        if (majorType == 7) {
          let value = dataView.getFloat32(position);
          if (currentDecoder.useFloat32 > 2) {
            let multiplier = mult10[(src[position] & 127) << 1 | src[position + 1] >> 7];
            position += 4;
            return (multiplier * value + (value > 0 ? 0.5 : -0.5) >> 0) / multiplier;
          }
          position += 4;
          return value;
        }
        token = dataView.getUint32(position);
        position += 4;
        if (majorType === 1) return -1 - token;
        break;
      case 27:
        if (majorType == 7) {
          let value = dataView.getFloat64(position);
          position += 8;
          return value;
        }
        if (majorType > 1) {
          if (dataView.getUint32(position) > 0)
            throw new Error("JavaScript does not support arrays, maps, or strings with length over 4294967295");
          token = dataView.getUint32(position + 4);
        } else if (currentDecoder.int64AsNumber) {
          token = dataView.getUint32(position) * 4294967296;
          token += dataView.getUint32(position + 4);
          position += 8;
          if (majorType === 1) return -1 - token;
          break;
        } else token = dataView.getBigUint64(position);
        position += 8;
        break;
      case 31:
        switch (majorType) {
          case 2:
          // byte string
          case 3:
            throw new Error("Indefinite length not supported for byte or text strings");
          case 4:
            let array = [];
            let i2 = 0;
            while (!readBreak()) {
              if (i2 >= maxArraySize) throw new Error(`Array length exceeds ${maxArraySize}`);
              array[i2++] = read();
            }
            return majorType == 4 ? array : majorType == 3 ? array.join("") : Buffer.concat(array);
          case 5:
            let key;
            if (currentDecoder.mapsAsObjects) {
              let object = {};
              let i3 = 0;
              if (currentDecoder.keyMap) {
                while (!readBreak()) {
                  key = read();
                  if (i3++ >= objectSizeLimit) throw new Error(`Property count exceeds ${objectSizeLimit}`);
                  object[safeKey(currentDecoder.decodeKey(key))] = read();
                }
              } else {
                while (!readBreak()) {
                  key = read();
                  if (i3++ >= objectSizeLimit) throw new Error(`Property count exceeds ${objectSizeLimit}`);
                  object[safeKey(key)] = read();
                }
              }
              return object;
            } else {
              if (restoreMapsAsObject) {
                currentDecoder.mapsAsObjects = true;
                restoreMapsAsObject = false;
              }
              let map = /* @__PURE__ */ new Map();
              if (currentDecoder.keyMap) {
                let i3 = 0;
                while (!readBreak()) {
                  key = read();
                  if (i3++ >= maxMapSize) {
                    throw new Error(`Map size exceeds ${maxMapSize}`);
                  }
                  map.set(currentDecoder.decodeKey(key), read());
                }
              } else {
                let i3 = 0;
                while (!readBreak()) {
                  key = read();
                  if (i3++ >= maxMapSize) {
                    throw new Error(`Map size exceeds ${maxMapSize}`);
                  }
                  map.set(key, read());
                }
              }
              return map;
            }
          case 7:
            throw new Error("Unexpected break stop code outside of an indefinite-length item");
          default:
            throw new Error("Invalid major type for indefinite length " + majorType);
        }
      default:
        throw new Error("Unknown token " + token);
    }
  }
  switch (majorType) {
    case 0:
      return token;
    case 1:
      return ~token;
    case 2:
      if (token > srcEnd - position) throw endOfCBORError(position + token);
      return readBin(token);
    case 3:
      if (srcStringEnd >= position) {
        return srcString.slice(position - srcStringStart, (position += token) - srcStringStart);
      }
      if (token > srcEnd - position) throw endOfCBORError(position + token);
      if (srcStringEnd == 0 && srcEnd < 140 && token < 32) {
        let string = token < 16 ? shortStringInJS(token) : longStringInJS(token);
        if (string != null)
          return string;
      }
      return readFixedString(token);
    case 4:
      if (token > maxArraySize) throw new Error(`Array length exceeds ${maxArraySize}`);
      if (token > srcEnd - position || (arrayAllocationBudget -= token) < 0) throw endOfCBORError(position + token);
      let array = new Array(token);
      for (let i2 = 0; i2 < token; i2++) array[i2] = read();
      return array;
    case 5:
      if (currentDecoder.mapsAsObjects) {
        if (token > objectSizeLimit) throw new Error(`Property count exceeds ${objectSizeLimit}`);
        if (token > (srcEnd - position) / 2) throw endOfCBORError(position + 2 * token);
        let object = {};
        if (currentDecoder.keyMap) for (let i2 = 0; i2 < token; i2++) object[safeKey(currentDecoder.decodeKey(read()))] = read();
        else for (let i2 = 0; i2 < token; i2++) object[safeKey(read())] = read();
        return object;
      } else {
        if (restoreMapsAsObject) {
          currentDecoder.mapsAsObjects = true;
          restoreMapsAsObject = false;
        }
        if (token > maxMapSize) throw new Error(`Map size exceeds ${maxMapSize}`);
        if (token > (srcEnd - position) / 2) throw endOfCBORError(position + 2 * token);
        let map = /* @__PURE__ */ new Map();
        if (currentDecoder.keyMap) for (let i2 = 0; i2 < token; i2++) map.set(currentDecoder.decodeKey(read()), read());
        else for (let i2 = 0; i2 < token; i2++) map.set(read(), read());
        return map;
      }
    case 6:
      if (token >= BUNDLED_STRINGS_ID) {
        let structure = currentStructures[token & 8191];
        if (structure) {
          if (!structure.read) structure.read = createStructureReader(structure);
          return structure.read();
        }
        if (token < 65536) {
          if (token == RECORD_INLINE_ID) {
            let length = readJustLength();
            let id = read();
            let structure2 = read();
            recordDefinition(id, structure2);
            let object = {};
            if (currentDecoder.keyMap) for (let i2 = 2; i2 < length; i2++) {
              let key = currentDecoder.decodeKey(structure2[i2 - 2]);
              object[safeKey(key)] = read();
            }
            else for (let i2 = 2; i2 < length; i2++) {
              let key = structure2[i2 - 2];
              object[safeKey(key)] = read();
            }
            return object;
          } else if (token == RECORD_DEFINITIONS_ID) {
            let length = readJustLength();
            let id = read();
            for (let i2 = 2; i2 < length; i2++) {
              recordDefinition(id++, read());
            }
            return read();
          } else if (token == BUNDLED_STRINGS_ID) {
            return readBundleExt();
          }
          if (currentDecoder.getShared) {
            loadShared();
            structure = currentStructures[token & 8191];
            if (structure) {
              if (!structure.read)
                structure.read = createStructureReader(structure);
              return structure.read();
            }
          }
        }
      }
      let extension = currentExtensions[token];
      if (extension) {
        if (extension.handlesRead)
          return extension(read);
        else
          return extension(read());
      } else {
        let input = read();
        for (let i2 = 0; i2 < currentExtensionRanges.length; i2++) {
          let value = currentExtensionRanges[i2](token, input);
          if (value !== void 0)
            return value;
        }
        return new Tag(input, token);
      }
    case 7:
      switch (token) {
        case 20:
          return false;
        case 21:
          return true;
        case 22:
          return null;
        case 23:
          return;
        // undefined
        case 31:
        default:
          let packedValue = (packedValues || getPackedValues())[token];
          if (packedValue !== void 0)
            return packedValue;
          throw new Error("Unknown token " + token);
      }
    default:
      if (isNaN(token)) throw endOfCBORError();
      throw new Error("Unknown CBOR token " + token);
  }
}
var validName = /^[a-zA-Z_$][a-zA-Z\d_$]*$/;
function createStructureReader(structure) {
  if (!structure) throw new Error("Structure is required in record definition");
  function readObject() {
    let length = src[position++];
    length = length & 31;
    if (length > 23) {
      switch (length) {
        case 24:
          length = src[position++];
          break;
        case 25:
          length = dataView.getUint16(position);
          position += 2;
          break;
        case 26:
          length = dataView.getUint32(position);
          position += 4;
          break;
        default:
          throw new Error("Expected array header, but got " + src[position - 1]);
      }
    }
    let compiledReader = this.compiledReader;
    while (compiledReader) {
      if (compiledReader.propertyCount === length)
        return compiledReader(read);
      compiledReader = compiledReader.next;
    }
    if (this.slowReads++ >= inlineObjectReadThreshold) {
      let array = this.length == length ? this : this.slice(0, length);
      compiledReader = currentDecoder.keyMap ? new Function("r", "return {" + array.map((k) => currentDecoder.decodeKey(k)).map((k) => validName.test(k) ? safeKey(k) + ":r()" : "[" + JSON.stringify(k) + "]:r()").join(",") + "}") : new Function("r", "return {" + array.map((key) => validName.test(key) ? safeKey(key) + ":r()" : "[" + JSON.stringify(key) + "]:r()").join(",") + "}");
      if (this.compiledReader)
        compiledReader.next = this.compiledReader;
      compiledReader.propertyCount = length;
      this.compiledReader = compiledReader;
      return compiledReader(read);
    }
    let object = {};
    if (currentDecoder.keyMap) for (let i2 = 0; i2 < length; i2++) object[safeKey(currentDecoder.decodeKey(this[i2]))] = read();
    else for (let i2 = 0; i2 < length; i2++) {
      object[safeKey(this[i2])] = read();
    }
    return object;
  }
  structure.slowReads = 0;
  return readObject;
}
function safeKey(key) {
  if (typeof key === "string") return key === "__proto__" ? "__proto_" : key;
  if (typeof key === "number" || typeof key === "boolean" || typeof key === "bigint") return key.toString();
  if (key == null) return key + "";
  throw new Error("Invalid property name type " + typeof key);
}
var readFixedString = readStringJS;
var readString8 = readStringJS;
var readString16 = readStringJS;
var readString32 = readStringJS;
var isNativeAccelerationEnabled = false;
function setExtractor(extractStrings) {
  isNativeAccelerationEnabled = true;
  readFixedString = readString(1);
  readString8 = readString(2);
  readString16 = readString(3);
  readString32 = readString(5);
  function readString(headerLength) {
    return function readString2(length) {
      let string = strings[stringPosition++];
      if (string == null) {
        if (bundledStrings)
          return readStringJS(length);
        let extraction = extractStrings(position, srcEnd, length, src);
        if (typeof extraction == "string") {
          string = extraction;
          strings = EMPTY_ARRAY;
        } else {
          strings = extraction;
          stringPosition = 1;
          srcStringEnd = 1;
          string = strings[0];
          if (string === void 0)
            throw new Error("Unexpected end of buffer");
        }
      }
      let srcStringLength = string.length;
      if (srcStringLength <= length) {
        position += length;
        return string;
      }
      srcString = string;
      srcStringStart = position;
      srcStringEnd = position + srcStringLength;
      position += length;
      return string.slice(0, length);
    };
  }
}
function readStringJS(length) {
  let result;
  if (length < 16) {
    if (result = shortStringInJS(length))
      return result;
  }
  if (length > 64 && decoder2)
    return decoder2.decode(src.subarray(position, position += length));
  const end = position + length;
  const units = [];
  result = "";
  while (position < end) {
    const byte1 = src[position++];
    if ((byte1 & 128) === 0) {
      units.push(byte1);
    } else if ((byte1 & 224) === 192) {
      if (byte1 < 194 || position >= end || (src[position] & 192) !== 128) {
        units.push(65533);
      } else {
        const byte2 = src[position++] & 63;
        units.push((byte1 & 31) << 6 | byte2);
      }
    } else if ((byte1 & 240) === 224) {
      const byte2 = position < end ? src[position] : 0;
      if (position >= end || (byte2 & 192) !== 128 || byte1 === 224 && byte2 < 160 || byte1 === 237 && byte2 >= 160) {
        units.push(65533);
      } else {
        position++;
        if (position >= end || (src[position] & 192) !== 128) {
          units.push(65533);
        } else {
          const byte3 = src[position++] & 63;
          units.push((byte1 & 31) << 12 | (byte2 & 63) << 6 | byte3);
        }
      }
    } else if ((byte1 & 248) === 240) {
      const byte2 = position < end ? src[position] : 0;
      if (byte1 > 244 || position >= end || (byte2 & 192) !== 128 || byte1 === 240 && byte2 < 144 || byte1 === 244 && byte2 >= 144) {
        units.push(65533);
      } else {
        position++;
        if (position >= end || (src[position] & 192) !== 128) {
          units.push(65533);
        } else {
          const byte3 = src[position++] & 63;
          if (position >= end || (src[position] & 192) !== 128) {
            units.push(65533);
          } else {
            const byte4 = src[position++] & 63;
            let unit = (byte1 & 7) << 18 | (byte2 & 63) << 12 | byte3 << 6 | byte4;
            unit -= 65536;
            units.push(unit >>> 10 & 1023 | 55296);
            units.push(56320 | unit & 1023);
          }
        }
      }
    } else {
      units.push(65533);
    }
    if (units.length >= 4096) {
      result += fromCharCode.apply(String, units);
      units.length = 0;
    }
  }
  if (units.length > 0) {
    result += fromCharCode.apply(String, units);
  }
  return result;
}
var fromCharCode = String.fromCharCode;
function longStringInJS(length) {
  let start = position;
  let bytes = new Array(length);
  for (let i2 = 0; i2 < length; i2++) {
    const byte = src[position++];
    if ((byte & 128) > 0) {
      position = start;
      return;
    }
    bytes[i2] = byte;
  }
  return fromCharCode.apply(String, bytes);
}
function shortStringInJS(length) {
  if (length < 4) {
    if (length < 2) {
      if (length === 0)
        return "";
      else {
        let a = src[position++];
        if ((a & 128) > 1) {
          position -= 1;
          return;
        }
        return fromCharCode(a);
      }
    } else {
      let a = src[position++];
      let b = src[position++];
      if ((a & 128) > 0 || (b & 128) > 0) {
        position -= 2;
        return;
      }
      if (length < 3)
        return fromCharCode(a, b);
      let c = src[position++];
      if ((c & 128) > 0) {
        position -= 3;
        return;
      }
      return fromCharCode(a, b, c);
    }
  } else {
    let a = src[position++];
    let b = src[position++];
    let c = src[position++];
    let d = src[position++];
    if ((a & 128) > 0 || (b & 128) > 0 || (c & 128) > 0 || (d & 128) > 0) {
      position -= 4;
      return;
    }
    if (length < 6) {
      if (length === 4)
        return fromCharCode(a, b, c, d);
      else {
        let e = src[position++];
        if ((e & 128) > 0) {
          position -= 5;
          return;
        }
        return fromCharCode(a, b, c, d, e);
      }
    } else if (length < 8) {
      let e = src[position++];
      let f = src[position++];
      if ((e & 128) > 0 || (f & 128) > 0) {
        position -= 6;
        return;
      }
      if (length < 7)
        return fromCharCode(a, b, c, d, e, f);
      let g = src[position++];
      if ((g & 128) > 0) {
        position -= 7;
        return;
      }
      return fromCharCode(a, b, c, d, e, f, g);
    } else {
      let e = src[position++];
      let f = src[position++];
      let g = src[position++];
      let h = src[position++];
      if ((e & 128) > 0 || (f & 128) > 0 || (g & 128) > 0 || (h & 128) > 0) {
        position -= 8;
        return;
      }
      if (length < 10) {
        if (length === 8)
          return fromCharCode(a, b, c, d, e, f, g, h);
        else {
          let i2 = src[position++];
          if ((i2 & 128) > 0) {
            position -= 9;
            return;
          }
          return fromCharCode(a, b, c, d, e, f, g, h, i2);
        }
      } else if (length < 12) {
        let i2 = src[position++];
        let j = src[position++];
        if ((i2 & 128) > 0 || (j & 128) > 0) {
          position -= 10;
          return;
        }
        if (length < 11)
          return fromCharCode(a, b, c, d, e, f, g, h, i2, j);
        let k = src[position++];
        if ((k & 128) > 0) {
          position -= 11;
          return;
        }
        return fromCharCode(a, b, c, d, e, f, g, h, i2, j, k);
      } else {
        let i2 = src[position++];
        let j = src[position++];
        let k = src[position++];
        let l = src[position++];
        if ((i2 & 128) > 0 || (j & 128) > 0 || (k & 128) > 0 || (l & 128) > 0) {
          position -= 12;
          return;
        }
        if (length < 14) {
          if (length === 12)
            return fromCharCode(a, b, c, d, e, f, g, h, i2, j, k, l);
          else {
            let m = src[position++];
            if ((m & 128) > 0) {
              position -= 13;
              return;
            }
            return fromCharCode(a, b, c, d, e, f, g, h, i2, j, k, l, m);
          }
        } else {
          let m = src[position++];
          let n = src[position++];
          if ((m & 128) > 0 || (n & 128) > 0) {
            position -= 14;
            return;
          }
          if (length < 15)
            return fromCharCode(a, b, c, d, e, f, g, h, i2, j, k, l, m, n);
          let o = src[position++];
          if ((o & 128) > 0) {
            position -= 15;
            return;
          }
          return fromCharCode(a, b, c, d, e, f, g, h, i2, j, k, l, m, n, o);
        }
      }
    }
  }
}
function readBin(length) {
  return currentDecoder.copyBuffers ? (
    // specifically use the copying slice (not the node one)
    Uint8Array.prototype.slice.call(src, position, position += length)
  ) : src.subarray(position, position += length);
}
var f32Array = new Float32Array(1);
var u8Array = new Uint8Array(f32Array.buffer, 0, 4);
function getFloat16() {
  let byte0 = src[position++];
  let byte1 = src[position++];
  let exponent = (byte0 & 127) >> 2;
  if (exponent === 31) {
    if (byte1 || byte0 & 3)
      return NaN;
    return byte0 & 128 ? -Infinity : Infinity;
  }
  if (exponent === 0) {
    let abs = ((byte0 & 3) << 8 | byte1) / (1 << 24);
    return byte0 & 128 ? -abs : abs;
  }
  u8Array[3] = byte0 & 128 | // sign bit
  (exponent >> 1) + 56;
  u8Array[2] = (byte0 & 7) << 5 | // last exponent bit and first two mantissa bits
  byte1 >> 3;
  u8Array[1] = byte1 << 5;
  u8Array[0] = 0;
  return f32Array[0];
}
var keyCache = new Array(4096);
var Tag = class {
  constructor(value, tag) {
    this.value = value;
    this.tag = tag;
  }
};
currentExtensions[0] = (dateString) => {
  return new Date(dateString);
};
currentExtensions[1] = (epochSec) => {
  return new Date(Math.round(epochSec * 1e3));
};
currentExtensions[2] = (buffer) => {
  let value = BigInt(0);
  for (let i2 = 0, l = buffer.byteLength; i2 < l; i2++) {
    value = BigInt(buffer[i2]) + (value << BigInt(8));
  }
  return value;
};
currentExtensions[3] = (buffer) => {
  return BigInt(-1) - currentExtensions[2](buffer);
};
currentExtensions[4] = (fraction) => {
  return +(fraction[1] + "e" + fraction[0]);
};
currentExtensions[5] = (fraction) => {
  return fraction[1] * Math.exp(fraction[0] * Math.log(2));
};
var recordDefinition = (id, structure) => {
  id = id - 57344;
  let existingStructure = currentStructures[id];
  if (existingStructure && existingStructure.isShared) {
    (currentStructures.restoreStructures || (currentStructures.restoreStructures = []))[id] = existingStructure;
  }
  currentStructures[id] = structure;
  structure.read = createStructureReader(structure);
};
currentExtensions[LEGACY_RECORD_INLINE_ID] = (data) => {
  let length = data.length;
  let structure = data[1];
  recordDefinition(data[0], structure);
  let object = {};
  for (let i2 = 2; i2 < length; i2++) {
    let key = structure[i2 - 2];
    object[safeKey(key)] = data[i2];
  }
  return object;
};
var legacyRecordDefinition = currentExtensions[LEGACY_RECORD_INLINE_ID];
currentExtensions[14] = (value) => {
  if (bundledStrings)
    return bundledStrings[0].slice(bundledStrings.position0, bundledStrings.position0 += value);
  return new Tag(value, 14);
};
currentExtensions[15] = (value) => {
  if (bundledStrings)
    return bundledStrings[1].slice(bundledStrings.position1, bundledStrings.position1 += value);
  return new Tag(value, 15);
};
var glbl = { Error, RegExp };
currentExtensions[27] = (data) => {
  return (glbl[data[0]] || Error)(data[1], data[2]);
};
var packedTable = (read2) => {
  if (!(position < srcEnd)) throw endOfCBORError();
  if (src[position++] != 132)
    throw new Error("Packed values structure must be followed by a 4 element array");
  let newPackedValues = read2();
  if (!Array.isArray(newPackedValues) || !newPackedValues.length)
    throw new Error("Packed values structure must be followed by a 4 element array");
  packedValues = packedValues ? newPackedValues.concat(packedValues.slice(newPackedValues.length)) : newPackedValues;
  packedValues.prefixes = read2();
  packedValues.suffixes = read2();
  return read2();
};
packedTable.handlesRead = true;
currentExtensions[51] = packedTable;
currentExtensions[PACKED_REFERENCE_TAG_ID] = (data) => {
  if (!packedValues) {
    if (currentDecoder.getShared)
      loadShared();
    else
      return new Tag(data, PACKED_REFERENCE_TAG_ID);
  }
  if (typeof data == "number")
    return packedValues[16 + (data >= 0 ? 2 * data : -2 * data - 1)];
  throw new Error("No support for non-integer packed references yet");
};
currentExtensions[28] = (read2) => {
  if (!referenceMap) {
    referenceMap = /* @__PURE__ */ new Map();
    referenceMap.id = 0;
  }
  let id = referenceMap.id++;
  let startingPosition = position;
  let token = src[position];
  let target2;
  if (token >> 5 == 4)
    target2 = [];
  else
    target2 = {};
  let refEntry = { target: target2 };
  referenceMap.set(id, refEntry);
  let targetProperties = read2();
  if (refEntry.used) {
    if (Object.getPrototypeOf(target2) !== Object.getPrototypeOf(targetProperties)) {
      position = startingPosition;
      target2 = targetProperties;
      referenceMap.set(id, { target: target2 });
      targetProperties = read2();
    }
    return Object.assign(target2, targetProperties);
  }
  refEntry.target = targetProperties;
  return targetProperties;
};
currentExtensions[28].handlesRead = true;
currentExtensions[29] = (id) => {
  let refEntry = referenceMap.get(id);
  refEntry.used = true;
  return refEntry.target;
};
currentExtensions[258] = (array) => new Set(array);
(currentExtensions[259] = (read2) => {
  let decoder3 = currentDecoder;
  if (decoder3.mapsAsObjects) {
    decoder3.mapsAsObjects = false;
    restoreMapsAsObject = true;
    try {
      return read2();
    } finally {
      if (restoreMapsAsObject) {
        decoder3.mapsAsObjects = true;
        restoreMapsAsObject = false;
      }
    }
  }
  return read2();
}).handlesRead = true;
function combine(a, b) {
  if (typeof a === "string")
    return a + b;
  if (a instanceof Array)
    return a.concat(b);
  return Object.assign({}, a, b);
}
function getPackedValues() {
  if (!packedValues) {
    if (currentDecoder.getShared)
      loadShared();
    else
      throw new Error("No packed values available");
  }
  return packedValues;
}
var SHARED_DATA_TAG_ID = 1399353956;
currentExtensionRanges.push((tag, input) => {
  if (tag >= 225 && tag <= 255)
    return combine(getPackedValues().prefixes[tag - 224], input);
  if (tag >= 28704 && tag <= 32767)
    return combine(getPackedValues().prefixes[tag - 28672], input);
  if (tag >= 1879052288 && tag <= 2147483647)
    return combine(getPackedValues().prefixes[tag - 1879048192], input);
  if (tag >= 216 && tag <= 223)
    return combine(input, getPackedValues().suffixes[tag - 216]);
  if (tag >= 27647 && tag <= 28671)
    return combine(input, getPackedValues().suffixes[tag - 27639]);
  if (tag >= 1811940352 && tag <= 1879048191)
    return combine(input, getPackedValues().suffixes[tag - 1811939328]);
  if (tag == SHARED_DATA_TAG_ID) {
    return {
      packedValues,
      structures: currentStructures.slice(0),
      version: input
    };
  }
  if (tag == 55799)
    return input;
});
var isLittleEndianMachine = new Uint8Array(new Uint16Array([1]).buffer)[0] == 1;
var typedArrays = [
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Uint32Array,
  typeof BigUint64Array == "undefined" ? { name: "BigUint64Array" } : BigUint64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  typeof BigInt64Array == "undefined" ? { name: "BigInt64Array" } : BigInt64Array,
  Float32Array,
  Float64Array
];
var typedArrayTags = [64, 68, 69, 70, 71, 72, 77, 78, 79, 85, 86];
for (let i2 = 0; i2 < typedArrays.length; i2++) {
  registerTypedArray(typedArrays[i2], typedArrayTags[i2]);
}
function registerTypedArray(TypedArray, tag) {
  let dvMethod = "get" + TypedArray.name.slice(0, -5);
  let bytesPerElement;
  if (typeof TypedArray === "function")
    bytesPerElement = TypedArray.BYTES_PER_ELEMENT;
  else
    TypedArray = null;
  for (let littleEndian = 0; littleEndian < 2; littleEndian++) {
    if (!littleEndian && bytesPerElement == 1)
      continue;
    let sizeShift = bytesPerElement == 2 ? 1 : bytesPerElement == 4 ? 2 : bytesPerElement == 8 ? 3 : 0;
    currentExtensions[littleEndian ? tag : tag - 4] = bytesPerElement == 1 || littleEndian == isLittleEndianMachine ? (buffer) => {
      if (!TypedArray)
        throw new Error("Could not find typed array for code " + tag);
      if (!currentDecoder.copyBuffers) {
        if (bytesPerElement === 1 || bytesPerElement === 2 && !(buffer.byteOffset & 1) || bytesPerElement === 4 && !(buffer.byteOffset & 3) || bytesPerElement === 8 && !(buffer.byteOffset & 7))
          return new TypedArray(buffer.buffer, buffer.byteOffset, buffer.byteLength >> sizeShift);
      }
      return new TypedArray(Uint8Array.prototype.slice.call(buffer, 0).buffer);
    } : (buffer) => {
      if (!TypedArray)
        throw new Error("Could not find typed array for code " + tag);
      let dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      let elements = buffer.length >> sizeShift;
      let ta = new TypedArray(elements);
      let method = dv[dvMethod];
      for (let i2 = 0; i2 < elements; i2++) {
        ta[i2] = method.call(dv, i2 << sizeShift, littleEndian);
      }
      return ta;
    };
  }
}
function readBundleExt() {
  let length = readJustLength();
  let bundlePosition = position + read();
  for (let i2 = 2; i2 < length; i2++) {
    let bundleLength = readJustLength();
    position += bundleLength;
  }
  let dataPosition = position;
  position = bundlePosition;
  bundledStrings = [readStringJS(readJustLength()), readStringJS(readJustLength())];
  bundledStrings.position0 = 0;
  bundledStrings.position1 = 0;
  bundledStrings.postBundlePosition = position;
  position = dataPosition;
  return read();
}
function readJustLength() {
  if (!(position < srcEnd)) throw endOfCBORError();
  let token = src[position++] & 31;
  if (token > 23) {
    switch (token) {
      case 24:
        if (position >= srcEnd) throw endOfCBORError();
        token = src[position++];
        break;
      case 25:
        if (position + 2 > srcEnd) throw endOfCBORError();
        token = dataView.getUint16(position);
        position += 2;
        break;
      case 26:
        if (position + 4 > srcEnd) throw endOfCBORError();
        token = dataView.getUint32(position);
        position += 4;
        break;
    }
  }
  return token;
}
function loadShared() {
  if (currentDecoder.getShared) {
    let sharedData = saveState(() => {
      src = null;
      return currentDecoder.getShared();
    }) || {};
    let updatedStructures = sharedData.structures || [];
    currentDecoder.sharedVersion = sharedData.version;
    packedValues = currentDecoder.sharedValues = sharedData.packedValues;
    if (currentStructures === true)
      currentDecoder.structures = currentStructures = updatedStructures;
    else
      currentStructures.splice.apply(currentStructures, [0, updatedStructures.length].concat(updatedStructures));
  }
}
function saveState(callback) {
  let savedFragmentEnd = fragmentEnd;
  let savedFragmentReader = fragmentReadString;
  let savedReadFixedString = readFixedString;
  let savedSrcEnd = srcEnd;
  let savedPosition = position;
  let savedStringPosition = stringPosition;
  let savedSrcStringStart = srcStringStart;
  let savedSrcStringEnd = srcStringEnd;
  let savedSrcString = srcString;
  let savedStrings = strings;
  let savedReferenceMap = referenceMap;
  let savedBundledStrings = bundledStrings;
  let savedPackedValues = packedValues;
  let savedSrc = new Uint8Array(src.slice(0, srcEnd));
  let savedStructures = currentStructures;
  let savedDecoder = currentDecoder;
  let savedSequentialMode = sequentialMode;
  let savedRestoreMapsAsObject = restoreMapsAsObject;
  let savedArrayAllocationBudget = arrayAllocationBudget;
  fragmentEnd = 0;
  if (fragmentReadString) readFixedString = fragmentReadString;
  fragmentReadString = null;
  restoreMapsAsObject = false;
  try {
    return callback();
  } catch (error) {
    if (error && (typeof error == "object" || typeof error == "function"))
      nestedDecodeErrors.add(error);
    throw error;
  } finally {
    fragmentEnd = savedFragmentEnd;
    fragmentReadString = savedFragmentReader;
    readFixedString = savedReadFixedString;
    srcEnd = savedSrcEnd;
    position = savedPosition;
    stringPosition = savedStringPosition;
    srcStringStart = savedSrcStringStart;
    srcStringEnd = savedSrcStringEnd;
    srcString = savedSrcString;
    strings = savedStrings;
    referenceMap = savedReferenceMap;
    bundledStrings = savedBundledStrings;
    packedValues = savedPackedValues;
    src = savedSrc;
    sequentialMode = savedSequentialMode;
    currentStructures = savedStructures;
    currentDecoder = savedDecoder;
    restoreMapsAsObject = savedRestoreMapsAsObject;
    arrayAllocationBudget = savedArrayAllocationBudget;
    dataView = new DataView(src.buffer, src.byteOffset, src.byteLength);
  }
}
function clearSource() {
  src = null;
  referenceMap = null;
  currentStructures = null;
}
var fragmentEnd = 0;
var fragmentReadString;
var builtinScanTags = /* @__PURE__ */ new Map([[LEGACY_RECORD_INLINE_ID, legacyRecordDefinition], [259, currentExtensions[259]]]);
var mult10 = new Array(147);
for (let i2 = 0; i2 < 256; i2++) {
  mult10[i2] = +("1e" + Math.floor(45.15 - i2 * 0.30103));
}
var defaultDecoder = new Decoder({ useRecords: false });
var decode = defaultDecoder.decode;
var decodeMultiple = defaultDecoder.decodeMultiple;
var FLOAT32_OPTIONS = {
  NEVER: 0,
  ALWAYS: 1,
  DECIMAL_ROUND: 3,
  DECIMAL_FIT: 4
};

// node_modules/cbor-x/encode.js
var textEncoder;
try {
  textEncoder = new TextEncoder();
} catch (error) {
}
var extensions;
var extensionClasses;
var Buffer2 = typeof globalThis === "object" && globalThis.Buffer;
var hasNodeBuffer = typeof Buffer2 !== "undefined";
var ByteArrayAllocate = hasNodeBuffer ? Buffer2.allocUnsafeSlow : Uint8Array;
var ByteArray = hasNodeBuffer ? Buffer2 : Uint8Array;
var MAX_STRUCTURES = 256;
var MAX_BUFFER_SIZE = hasNodeBuffer ? 4294967296 : 2144337920;
var throwOnIterable;
var target;
var targetView;
var position2 = 0;
var safeEnd;
var bundledStrings2 = null;
var MAX_BUNDLE_SIZE = 61440;
var hasNonLatin = /[\u0080-\uFFFF]/;
var RECORD_SYMBOL = /* @__PURE__ */ Symbol("record-id");
var Encoder = class extends Decoder {
  constructor(options) {
    super(options);
    this.offset = 0;
    let typeBuffer;
    let start;
    let sharedStructures;
    let hasSharedUpdate;
    let structures;
    let referenceMap2;
    options = options || {};
    let encodeUtf8 = ByteArray.prototype.utf8Write ? function(string, position3) {
      return target.utf8Write(string, position3, target.byteLength - position3);
    } : textEncoder && textEncoder.encodeInto ? function(string, position3) {
      return textEncoder.encodeInto(string, target.subarray(position3)).written;
    } : false;
    let encoder2 = this;
    let hasSharedStructures = options.structures || options.saveStructures;
    let maxSharedStructures = options.maxSharedStructures;
    if (maxSharedStructures == null)
      maxSharedStructures = hasSharedStructures ? 128 : 0;
    if (maxSharedStructures > 8190)
      throw new Error("Maximum maxSharedStructure is 8190");
    let isSequential = options.sequential;
    if (isSequential) {
      maxSharedStructures = 0;
    }
    if (!this.structures)
      this.structures = [];
    if (this.saveStructures)
      this.saveShared = this.saveStructures;
    let samplingPackedValues, packedObjectMap2, sharedValues = options.sharedValues;
    let sharedPackedObjectMap2;
    if (sharedValues) {
      sharedPackedObjectMap2 = /* @__PURE__ */ Object.create(null);
      for (let i2 = 0, l = sharedValues.length; i2 < l; i2++) {
        sharedPackedObjectMap2[sharedValues[i2]] = i2;
      }
    }
    let recordIdsToRemove = [];
    let transitionsCount = 0;
    let serializationsSinceTransitionRebuild = 0;
    this.mapEncode = function(value, encodeOptions) {
      if (this._keyMap && !this._mapped) {
        switch (value.constructor.name) {
          case "Array":
            value = value.map((r) => this.encodeKeys(r));
            break;
        }
      }
      return this.encode(value, encodeOptions);
    };
    this.encode = function(value, encodeOptions) {
      if (!target) {
        target = new ByteArrayAllocate(8192);
        targetView = new DataView(target.buffer, 0, 8192);
        position2 = 0;
      }
      safeEnd = target.length - 10;
      if (safeEnd - position2 < 2048) {
        target = new ByteArrayAllocate(target.length);
        targetView = new DataView(target.buffer, 0, target.length);
        safeEnd = target.length - 10;
        position2 = 0;
      } else if (encodeOptions === REUSE_BUFFER_MODE)
        position2 = position2 + 7 & 2147483640;
      start = position2;
      if (encoder2.useSelfDescribedHeader) {
        targetView.setUint32(position2, 3654940416);
        position2 += 3;
      }
      referenceMap2 = encoder2.structuredClone ? /* @__PURE__ */ new Map() : null;
      if (encoder2.bundleStrings && typeof value !== "string") {
        bundledStrings2 = [];
        bundledStrings2.size = Infinity;
      } else
        bundledStrings2 = null;
      sharedStructures = encoder2.structures;
      if (sharedStructures) {
        if (sharedStructures.uninitialized) {
          let sharedData = encoder2.getShared() || {};
          encoder2.structures = sharedStructures = sharedData.structures || [];
          encoder2.sharedVersion = sharedData.version;
          let sharedValues2 = encoder2.sharedValues = sharedData.packedValues;
          if (sharedValues2) {
            sharedPackedObjectMap2 = {};
            for (let i2 = 0, l = sharedValues2.length; i2 < l; i2++)
              sharedPackedObjectMap2[sharedValues2[i2]] = i2;
          }
        }
        let sharedStructuresLength = sharedStructures.length;
        if (sharedStructuresLength > maxSharedStructures && !isSequential)
          sharedStructuresLength = maxSharedStructures;
        if (!sharedStructures.transitions) {
          sharedStructures.transitions = /* @__PURE__ */ Object.create(null);
          for (let i2 = 0; i2 < sharedStructuresLength; i2++) {
            let keys = sharedStructures[i2];
            if (!keys)
              continue;
            let nextTransition, transition = sharedStructures.transitions;
            for (let j = 0, l = keys.length; j < l; j++) {
              if (transition[RECORD_SYMBOL] === void 0)
                transition[RECORD_SYMBOL] = i2;
              let key = keys[j];
              nextTransition = transition[key];
              if (!nextTransition) {
                nextTransition = transition[key] = /* @__PURE__ */ Object.create(null);
              }
              transition = nextTransition;
            }
            transition[RECORD_SYMBOL] = i2 | 1048576;
          }
        }
        if (!isSequential)
          sharedStructures.nextId = sharedStructuresLength;
      }
      if (hasSharedUpdate)
        hasSharedUpdate = false;
      structures = sharedStructures || [];
      packedObjectMap2 = sharedPackedObjectMap2;
      if (options.pack) {
        let packedValues2 = /* @__PURE__ */ new Map();
        packedValues2.values = [];
        packedValues2.encoder = encoder2;
        packedValues2.maxValues = options.maxPrivatePackedValues || (sharedPackedObjectMap2 ? 16 : Infinity);
        packedValues2.objectMap = sharedPackedObjectMap2 || false;
        packedValues2.samplingPackedValues = samplingPackedValues;
        findRepetitiveStrings(value, packedValues2);
        if (packedValues2.values.length > 0) {
          target[position2++] = 216;
          target[position2++] = 51;
          writeArrayHeader(4);
          let valuesArray = packedValues2.values;
          encode2(valuesArray);
          writeArrayHeader(0);
          writeArrayHeader(0);
          packedObjectMap2 = Object.create(sharedPackedObjectMap2 || null);
          for (let i2 = 0, l = valuesArray.length; i2 < l; i2++) {
            packedObjectMap2[valuesArray[i2]] = i2;
          }
        }
      }
      throwOnIterable = encodeOptions & THROW_ON_ITERABLE;
      try {
        if (throwOnIterable)
          return;
        encode2(value);
        if (bundledStrings2 && bundledStrings2.position) {
          writeBundles(start, encode2);
        }
        encoder2.offset = position2;
        if (referenceMap2 && referenceMap2.idsToInsert) {
          position2 += referenceMap2.idsToInsert.length * 2;
          if (position2 > safeEnd)
            makeRoom(position2);
          encoder2.offset = position2;
          let serialized = insertIds(target.subarray(start, position2), referenceMap2.idsToInsert);
          referenceMap2 = null;
          return serialized;
        }
        if (encodeOptions & REUSE_BUFFER_MODE) {
          target.start = start;
          target.end = position2;
          return target;
        }
        return target.subarray(start, position2);
      } finally {
        if (sharedStructures) {
          if (serializationsSinceTransitionRebuild < 10)
            serializationsSinceTransitionRebuild++;
          if (sharedStructures.length > maxSharedStructures)
            sharedStructures.length = maxSharedStructures;
          if (transitionsCount > 1e4) {
            sharedStructures.transitions = null;
            serializationsSinceTransitionRebuild = 0;
            transitionsCount = 0;
            if (recordIdsToRemove.length > 0)
              recordIdsToRemove = [];
          } else if (recordIdsToRemove.length > 0 && !isSequential) {
            for (let i2 = 0, l = recordIdsToRemove.length; i2 < l; i2++) {
              recordIdsToRemove[i2][RECORD_SYMBOL] = void 0;
            }
            recordIdsToRemove = [];
          }
        }
        if (hasSharedUpdate && encoder2.saveShared) {
          if (encoder2.structures.length > maxSharedStructures) {
            encoder2.structures = encoder2.structures.slice(0, maxSharedStructures);
          }
          let returnBuffer = target.subarray(start, position2);
          if (encoder2.updateSharedData() === false)
            return encoder2.encode(value);
          return returnBuffer;
        }
        if (encodeOptions & RESET_BUFFER_MODE)
          position2 = start;
      }
    };
    this.findCommonStringsToPack = () => {
      samplingPackedValues = /* @__PURE__ */ new Map();
      if (!sharedPackedObjectMap2)
        sharedPackedObjectMap2 = /* @__PURE__ */ Object.create(null);
      return (options2) => {
        let threshold = options2 && options2.threshold || 4;
        let position3 = this.pack ? options2.maxPrivatePackedValues || 16 : 0;
        if (!sharedValues)
          sharedValues = this.sharedValues = [];
        for (let [key, status] of samplingPackedValues) {
          if (status.count > threshold) {
            sharedPackedObjectMap2[key] = position3++;
            sharedValues.push(key);
            hasSharedUpdate = true;
          }
        }
        while (this.saveShared && this.updateSharedData() === false) {
        }
        samplingPackedValues = null;
      };
    };
    const encode2 = (value) => {
      if (position2 > safeEnd)
        target = makeRoom(position2);
      var type = typeof value;
      var length;
      if (type === "string") {
        if (packedObjectMap2) {
          let packedPosition = packedObjectMap2[value];
          if (packedPosition >= 0) {
            if (packedPosition < 16)
              target[position2++] = packedPosition + 224;
            else {
              target[position2++] = 198;
              if (packedPosition & 1)
                encode2(15 - packedPosition >> 1);
              else
                encode2(packedPosition - 16 >> 1);
            }
            return;
          } else if (samplingPackedValues && !options.pack) {
            let status = samplingPackedValues.get(value);
            if (status)
              status.count++;
            else
              samplingPackedValues.set(value, {
                count: 1
              });
          }
        }
        let strLength = value.length;
        if (bundledStrings2 && strLength >= 4 && strLength < 1024) {
          if ((bundledStrings2.size += strLength) > MAX_BUNDLE_SIZE) {
            let extStart;
            let maxBytes2 = (bundledStrings2[0] ? bundledStrings2[0].length * 3 + bundledStrings2[1].length : 0) + 10;
            if (position2 + maxBytes2 > safeEnd)
              target = makeRoom(position2 + maxBytes2);
            target[position2++] = 217;
            target[position2++] = 223;
            target[position2++] = 249;
            target[position2++] = bundledStrings2.position ? 132 : 130;
            target[position2++] = 26;
            extStart = position2 - start;
            position2 += 4;
            if (bundledStrings2.position) {
              writeBundles(start, encode2);
            }
            bundledStrings2 = ["", ""];
            bundledStrings2.size = 0;
            bundledStrings2.position = extStart;
          }
          let twoByte = hasNonLatin.test(value);
          bundledStrings2[twoByte ? 0 : 1] += value;
          target[position2++] = twoByte ? 206 : 207;
          encode2(strLength);
          return;
        }
        let headerSize;
        if (strLength < 32) {
          headerSize = 1;
        } else if (strLength < 256) {
          headerSize = 2;
        } else if (strLength < 65536) {
          headerSize = 3;
        } else {
          headerSize = 5;
        }
        let maxBytes = strLength * 3;
        if (position2 + maxBytes > safeEnd)
          target = makeRoom(position2 + maxBytes);
        if (strLength < 64 || !encodeUtf8) {
          let i2, c1, c2, strPosition = position2 + headerSize;
          for (i2 = 0; i2 < strLength; i2++) {
            c1 = value.charCodeAt(i2);
            if (c1 < 128) {
              target[strPosition++] = c1;
            } else if (c1 < 2048) {
              target[strPosition++] = c1 >> 6 | 192;
              target[strPosition++] = c1 & 63 | 128;
            } else if ((c1 & 64512) === 55296 && ((c2 = value.charCodeAt(i2 + 1)) & 64512) === 56320) {
              c1 = 65536 + ((c1 & 1023) << 10) + (c2 & 1023);
              i2++;
              target[strPosition++] = c1 >> 18 | 240;
              target[strPosition++] = c1 >> 12 & 63 | 128;
              target[strPosition++] = c1 >> 6 & 63 | 128;
              target[strPosition++] = c1 & 63 | 128;
            } else {
              target[strPosition++] = c1 >> 12 | 224;
              target[strPosition++] = c1 >> 6 & 63 | 128;
              target[strPosition++] = c1 & 63 | 128;
            }
          }
          length = strPosition - position2 - headerSize;
        } else {
          length = encodeUtf8(value, position2 + headerSize, maxBytes);
        }
        if (length < 24) {
          target[position2++] = 96 | length;
        } else if (length < 256) {
          if (headerSize < 2) {
            target.copyWithin(position2 + 2, position2 + 1, position2 + 1 + length);
          }
          target[position2++] = 120;
          target[position2++] = length;
        } else if (length < 65536) {
          if (headerSize < 3) {
            target.copyWithin(position2 + 3, position2 + 2, position2 + 2 + length);
          }
          target[position2++] = 121;
          target[position2++] = length >> 8;
          target[position2++] = length & 255;
        } else {
          if (headerSize < 5) {
            target.copyWithin(position2 + 5, position2 + 3, position2 + 3 + length);
          }
          target[position2++] = 122;
          targetView.setUint32(position2, length);
          position2 += 4;
        }
        position2 += length;
      } else if (type === "number") {
        if (!this.alwaysUseFloat && value >>> 0 === value) {
          if (value < 24) {
            target[position2++] = value;
          } else if (value < 256) {
            target[position2++] = 24;
            target[position2++] = value;
          } else if (value < 65536) {
            target[position2++] = 25;
            target[position2++] = value >> 8;
            target[position2++] = value & 255;
          } else {
            target[position2++] = 26;
            targetView.setUint32(position2, value);
            position2 += 4;
          }
        } else if (!this.alwaysUseFloat && value >> 0 === value) {
          if (value >= -24) {
            target[position2++] = 31 - value;
          } else if (value >= -256) {
            target[position2++] = 56;
            target[position2++] = ~value;
          } else if (value >= -65536) {
            target[position2++] = 57;
            targetView.setUint16(position2, ~value);
            position2 += 2;
          } else {
            target[position2++] = 58;
            targetView.setUint32(position2, ~value);
            position2 += 4;
          }
        } else if (!this.alwaysUseFloat && value < 0 && value >= -4294967296 && Math.floor(value) === value) {
          target[position2++] = 58;
          targetView.setUint32(position2, -1 - value);
          position2 += 4;
        } else {
          let useFloat32;
          if ((useFloat32 = this.useFloat32) > 0 && value < 4294967296 && value >= -2147483648) {
            target[position2++] = 250;
            targetView.setFloat32(position2, value);
            let xShifted;
            if (useFloat32 < 4 || // this checks for rounding of numbers that were encoded in 32-bit float to nearest significant decimal digit that could be preserved
            (xShifted = value * mult10[(target[position2] & 127) << 1 | target[position2 + 1] >> 7]) >> 0 === xShifted) {
              position2 += 4;
              return;
            } else
              position2--;
          }
          target[position2++] = 251;
          targetView.setFloat64(position2, value);
          position2 += 8;
        }
      } else if (type === "object") {
        if (!value)
          target[position2++] = 246;
        else {
          if (referenceMap2) {
            let referee = referenceMap2.get(value);
            if (referee) {
              target[position2++] = 216;
              target[position2++] = 29;
              target[position2++] = 25;
              if (!referee.references) {
                let idsToInsert = referenceMap2.idsToInsert || (referenceMap2.idsToInsert = []);
                referee.references = [];
                idsToInsert.push(referee);
              }
              referee.references.push(position2 - start);
              position2 += 2;
              return;
            } else
              referenceMap2.set(value, { offset: position2 - start });
          }
          let constructor = value.constructor;
          if (constructor === Object) {
            if (this.skipFunction === true) {
              value = Object.fromEntries([...Object.keys(value).filter((x2) => typeof value[x2] !== "function").map((x2) => [x2, value[x2]])]);
            }
            writeObject(value);
          } else if (constructor === Array) {
            length = value.length;
            if (length < 24) {
              target[position2++] = 128 | length;
            } else {
              writeArrayHeader(length);
            }
            for (let i2 = 0; i2 < length; i2++) {
              encode2(value[i2]);
            }
          } else if (constructor === Map) {
            if (this.mapsAsObjects ? this.useTag259ForMaps !== false : this.useTag259ForMaps) {
              target[position2++] = 217;
              target[position2++] = 1;
              target[position2++] = 3;
            }
            length = value.size;
            if (length < 24) {
              target[position2++] = 160 | length;
            } else if (length < 256) {
              target[position2++] = 184;
              target[position2++] = length;
            } else if (length < 65536) {
              target[position2++] = 185;
              target[position2++] = length >> 8;
              target[position2++] = length & 255;
            } else {
              target[position2++] = 186;
              targetView.setUint32(position2, length);
              position2 += 4;
            }
            if (encoder2.keyMap) {
              for (let [key, entryValue] of value) {
                encode2(encoder2.encodeKey(key));
                encode2(entryValue);
              }
            } else {
              for (let [key, entryValue] of value) {
                encode2(key);
                encode2(entryValue);
              }
            }
          } else {
            for (let i2 = 0, l = extensions.length; i2 < l; i2++) {
              let extensionClass = extensionClasses[i2];
              if (value instanceof extensionClass) {
                let extension = extensions[i2];
                let tag = extension.tag;
                if (tag == void 0)
                  tag = extension.getTag && extension.getTag.call(this, value);
                if (tag < 24) {
                  target[position2++] = 192 | tag;
                } else if (tag < 256) {
                  target[position2++] = 216;
                  target[position2++] = tag;
                } else if (tag < 65536) {
                  target[position2++] = 217;
                  target[position2++] = tag >> 8;
                  target[position2++] = tag & 255;
                } else if (tag > -1) {
                  target[position2++] = 218;
                  targetView.setUint32(position2, tag);
                  position2 += 4;
                }
                extension.encode.call(this, value, encode2, makeRoom);
                return;
              }
            }
            if (value[Symbol.iterator]) {
              if (throwOnIterable) {
                let error = new Error("Iterable should be serialized as iterator");
                error.iteratorNotHandled = true;
                throw error;
              }
              target[position2++] = 159;
              for (let entry of value) {
                encode2(entry);
              }
              target[position2++] = 255;
              return;
            }
            if (value[Symbol.asyncIterator] || isBlob(value)) {
              let error = new Error("Iterable/blob should be serialized as iterator");
              error.iteratorNotHandled = true;
              throw error;
            }
            if (this.useToJSON && value.toJSON) {
              const json = value.toJSON();
              if (json !== value)
                return encode2(json);
            }
            if (constructor === DataView) {
              writeBuffer(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), makeRoom);
              return;
            }
            writeObject(value);
          }
        }
      } else if (type === "boolean") {
        target[position2++] = value ? 245 : 244;
      } else if (type === "bigint") {
        if (value < BigInt(1) << BigInt(64) && value >= 0) {
          target[position2++] = 27;
          targetView.setBigUint64(position2, value);
        } else if (value > -(BigInt(1) << BigInt(64)) && value < 0) {
          target[position2++] = 59;
          targetView.setBigUint64(position2, -value - BigInt(1));
        } else {
          if (this.largeBigIntToFloat) {
            target[position2++] = 251;
            targetView.setFloat64(position2, Number(value));
          } else {
            if (value >= BigInt(0))
              target[position2++] = 194;
            else {
              target[position2++] = 195;
              value = BigInt(-1) - value;
            }
            let bytes = [];
            while (value) {
              bytes.push(Number(value & BigInt(255)));
              value >>= BigInt(8);
            }
            writeBuffer(new Uint8Array(bytes.reverse()), makeRoom);
            return;
          }
        }
        position2 += 8;
      } else if (type === "undefined") {
        target[position2++] = 247;
      } else {
        throw new Error("Unknown type: " + type);
      }
    };
    const writeObject = this.useRecords === false ? this.variableMapSize ? (object) => {
      let keys = Object.keys(object);
      let vals = Object.values(object);
      let length = keys.length;
      if (length < 24) {
        target[position2++] = 160 | length;
      } else if (length < 256) {
        target[position2++] = 184;
        target[position2++] = length;
      } else if (length < 65536) {
        target[position2++] = 185;
        target[position2++] = length >> 8;
        target[position2++] = length & 255;
      } else {
        target[position2++] = 186;
        targetView.setUint32(position2, length);
        position2 += 4;
      }
      let key;
      if (encoder2.keyMap) {
        for (let i2 = 0; i2 < length; i2++) {
          encode2(encoder2.encodeKey(keys[i2]));
          encode2(vals[i2]);
        }
      } else {
        for (let i2 = 0; i2 < length; i2++) {
          encode2(keys[i2]);
          encode2(vals[i2]);
        }
      }
    } : (object) => {
      target[position2++] = 185;
      let objectOffset = position2 - start;
      position2 += 2;
      let size = 0;
      if (encoder2.keyMap) {
        for (let key in object) if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key)) {
          encode2(encoder2.encodeKey(key));
          encode2(object[key]);
          size++;
        }
      } else {
        for (let key in object) if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key)) {
          encode2(key);
          encode2(object[key]);
          size++;
        }
      }
      if (size < 65536) {
        target[objectOffset++ + start] = size >> 8;
        target[objectOffset + start] = size & 255;
      } else {
        if (position2 + 2 > safeEnd)
          makeRoom(position2 + 2);
        let headerPosition = objectOffset + start;
        target.copyWithin(headerPosition + 4, headerPosition + 2, position2);
        position2 += 2;
        target[headerPosition - 1] = 186;
        targetView.setUint32(headerPosition, size);
      }
    } : (object, skipValues) => {
      let nextTransition, transition = structures.transitions || (structures.transitions = /* @__PURE__ */ Object.create(null));
      let newTransitions = 0;
      let length = 0;
      let parentRecordId;
      let keys;
      if (this.keyMap) {
        keys = Object.keys(object).map((k) => this.encodeKey(k));
        length = keys.length;
        for (let i2 = 0; i2 < length; i2++) {
          let key = keys[i2];
          nextTransition = transition[key];
          if (!nextTransition) {
            nextTransition = transition[key] = /* @__PURE__ */ Object.create(null);
            newTransitions++;
          }
          transition = nextTransition;
        }
      } else {
        for (let key in object) if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key)) {
          nextTransition = transition[key];
          if (!nextTransition) {
            if (transition[RECORD_SYMBOL] & 1048576) {
              parentRecordId = transition[RECORD_SYMBOL] & 65535;
            }
            nextTransition = transition[key] = /* @__PURE__ */ Object.create(null);
            newTransitions++;
          }
          transition = nextTransition;
          length++;
        }
      }
      let recordId = transition[RECORD_SYMBOL];
      if (recordId !== void 0) {
        recordId &= 65535;
        target[position2++] = 217;
        target[position2++] = recordId >> 8 | 224;
        target[position2++] = recordId & 255;
      } else {
        if (!keys)
          keys = transition.__keys__ || (transition.__keys__ = Object.keys(object));
        if (parentRecordId === void 0) {
          recordId = structures.nextId++;
          if (!recordId) {
            recordId = 0;
            structures.nextId = 1;
          }
          if (recordId >= MAX_STRUCTURES) {
            structures.nextId = (recordId = maxSharedStructures) + 1;
          }
        } else {
          recordId = parentRecordId;
        }
        structures[recordId] = keys;
        if (recordId < maxSharedStructures) {
          target[position2++] = 217;
          target[position2++] = recordId >> 8 | 224;
          target[position2++] = recordId & 255;
          transition = structures.transitions;
          for (let i2 = 0; i2 < length; i2++) {
            if (transition[RECORD_SYMBOL] === void 0 || transition[RECORD_SYMBOL] & 1048576)
              transition[RECORD_SYMBOL] = recordId;
            transition = transition[keys[i2]];
          }
          transition[RECORD_SYMBOL] = recordId | 1048576;
          hasSharedUpdate = true;
        } else {
          transition[RECORD_SYMBOL] = recordId;
          targetView.setUint32(position2, 3655335680);
          position2 += 3;
          if (newTransitions)
            transitionsCount += serializationsSinceTransitionRebuild * newTransitions;
          if (recordIdsToRemove.length >= MAX_STRUCTURES - maxSharedStructures)
            recordIdsToRemove.shift()[RECORD_SYMBOL] = void 0;
          recordIdsToRemove.push(transition);
          writeArrayHeader(length + 2);
          encode2(57344 + recordId);
          encode2(keys);
          if (skipValues) return;
          for (let key in object)
            if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key))
              encode2(object[key]);
          return;
        }
      }
      if (length < 24) {
        target[position2++] = 128 | length;
      } else {
        writeArrayHeader(length);
      }
      if (skipValues) return;
      for (let key in object)
        if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key))
          encode2(object[key]);
    };
    const makeRoom = (end) => {
      let newSize;
      if (end > 16777216) {
        if (end - start > MAX_BUFFER_SIZE)
          throw new Error("Encoded buffer would be larger than maximum buffer size");
        newSize = Math.min(
          MAX_BUFFER_SIZE,
          Math.round(Math.max((end - start) * (end > 67108864 ? 1.25 : 2), 4194304) / 4096) * 4096
        );
      } else
        newSize = (Math.max(end - start << 2, target.length - 1) >> 12) + 1 << 12;
      let newBuffer = new ByteArrayAllocate(newSize);
      targetView = new DataView(newBuffer.buffer, 0, newSize);
      if (target.copy)
        target.copy(newBuffer, 0, start, end);
      else
        newBuffer.set(target.slice(start, end));
      position2 -= start;
      start = 0;
      safeEnd = newBuffer.length - 10;
      return target = newBuffer;
    };
    let chunkThreshold = 100;
    let continuedChunkThreshold = 1e3;
    this.encodeAsIterable = function(value, options2) {
      return startEncoding(value, options2, encodeObjectAsIterable);
    };
    this.encodeAsAsyncIterable = function(value, options2) {
      return startEncoding(value, options2, encodeObjectAsAsyncIterable);
    };
    function* encodeObjectAsIterable(object, iterateProperties, finalIterable) {
      let constructor = object.constructor;
      if (constructor === Object) {
        let useRecords = encoder2.useRecords !== false;
        if (useRecords)
          writeObject(object, true);
        else
          writeEntityLength(Object.keys(object).length, 160);
        for (let key in object) {
          let value = object[key];
          if (!useRecords) encode2(key);
          if (value && typeof value === "object") {
            if (iterateProperties[key])
              yield* encodeObjectAsIterable(value, iterateProperties[key]);
            else
              yield* tryEncode(value, iterateProperties, key);
          } else encode2(value);
        }
      } else if (constructor === Array) {
        let length = object.length;
        writeArrayHeader(length);
        for (let i2 = 0; i2 < length; i2++) {
          let value = object[i2];
          if (value && (typeof value === "object" || position2 - start > chunkThreshold)) {
            if (iterateProperties.element)
              yield* encodeObjectAsIterable(value, iterateProperties.element);
            else
              yield* tryEncode(value, iterateProperties, "element");
          } else encode2(value);
        }
      } else if (object[Symbol.iterator] && !object.buffer) {
        target[position2++] = 159;
        for (let value of object) {
          if (value && (typeof value === "object" || position2 - start > chunkThreshold)) {
            if (iterateProperties.element)
              yield* encodeObjectAsIterable(value, iterateProperties.element);
            else
              yield* tryEncode(value, iterateProperties, "element");
          } else encode2(value);
        }
        target[position2++] = 255;
      } else if (isBlob(object)) {
        writeEntityLength(object.size, 64);
        yield target.subarray(start, position2);
        yield object;
        restartEncoding();
      } else if (object[Symbol.asyncIterator]) {
        target[position2++] = 159;
        yield target.subarray(start, position2);
        yield object;
        restartEncoding();
        target[position2++] = 255;
      } else {
        encode2(object);
      }
      if (finalIterable && position2 > start) yield target.subarray(start, position2);
      else if (position2 - start > chunkThreshold) {
        yield target.subarray(start, position2);
        restartEncoding();
      }
    }
    function* tryEncode(value, iterateProperties, key) {
      let restart = position2 - start;
      try {
        encode2(value);
        if (position2 - start > chunkThreshold) {
          yield target.subarray(start, position2);
          restartEncoding();
        }
      } catch (error) {
        if (error.iteratorNotHandled) {
          iterateProperties[key] = {};
          position2 = start + restart;
          yield* encodeObjectAsIterable.call(this, value, iterateProperties[key]);
        } else throw error;
      }
    }
    function restartEncoding() {
      chunkThreshold = continuedChunkThreshold;
      encoder2.encode(null, THROW_ON_ITERABLE);
    }
    function startEncoding(value, options2, encodeIterable) {
      if (options2 && options2.chunkThreshold)
        chunkThreshold = continuedChunkThreshold = options2.chunkThreshold;
      else
        chunkThreshold = 100;
      if (value && typeof value === "object") {
        encoder2.encode(null, THROW_ON_ITERABLE);
        return encodeIterable(value, encoder2.iterateProperties || (encoder2.iterateProperties = {}), true);
      }
      return [encoder2.encode(value)];
    }
    async function* encodeObjectAsAsyncIterable(value, iterateProperties) {
      for (let encodedValue of encodeObjectAsIterable(value, iterateProperties, true)) {
        let constructor = encodedValue.constructor;
        if (constructor === ByteArray || constructor === Uint8Array)
          yield encodedValue;
        else if (isBlob(encodedValue)) {
          let reader = encodedValue.stream().getReader();
          let next;
          while (!(next = await reader.read()).done) {
            yield next.value;
          }
        } else if (encodedValue[Symbol.asyncIterator]) {
          for await (let asyncValue of encodedValue) {
            restartEncoding();
            if (asyncValue)
              yield* encodeObjectAsAsyncIterable(asyncValue, iterateProperties.async || (iterateProperties.async = {}));
            else yield encoder2.encode(asyncValue);
          }
        } else {
          yield encodedValue;
        }
      }
    }
  }
  useBuffer(buffer) {
    target = buffer;
    targetView = new DataView(target.buffer, target.byteOffset, target.byteLength);
    position2 = 0;
  }
  clearSharedData() {
    if (this.structures)
      this.structures = [];
    if (this.sharedValues)
      this.sharedValues = void 0;
  }
  updateSharedData() {
    let lastVersion = this.sharedVersion || 0;
    this.sharedVersion = lastVersion + 1;
    let structuresCopy = this.structures.slice(0);
    let sharedData = new SharedData(structuresCopy, this.sharedValues, this.sharedVersion);
    let saveResults = this.saveShared(
      sharedData,
      (existingShared) => (existingShared && existingShared.version || 0) == lastVersion
    );
    if (saveResults === false) {
      sharedData = this.getShared() || {};
      this.structures = sharedData.structures || [];
      this.sharedValues = sharedData.packedValues;
      this.sharedVersion = sharedData.version;
      this.structures.nextId = this.structures.length;
    } else {
      structuresCopy.forEach((structure, i2) => this.structures[i2] = structure);
    }
    return saveResults;
  }
};
function writeEntityLength(length, majorValue) {
  if (length < 24)
    target[position2++] = majorValue | length;
  else if (length < 256) {
    target[position2++] = majorValue | 24;
    target[position2++] = length;
  } else if (length < 65536) {
    target[position2++] = majorValue | 25;
    target[position2++] = length >> 8;
    target[position2++] = length & 255;
  } else {
    target[position2++] = majorValue | 26;
    targetView.setUint32(position2, length);
    position2 += 4;
  }
}
var SharedData = class {
  constructor(structures, values, version) {
    this.structures = structures;
    this.packedValues = values;
    this.version = version;
  }
};
function writeArrayHeader(length) {
  if (length < 24)
    target[position2++] = 128 | length;
  else if (length < 256) {
    target[position2++] = 152;
    target[position2++] = length;
  } else if (length < 65536) {
    target[position2++] = 153;
    target[position2++] = length >> 8;
    target[position2++] = length & 255;
  } else {
    target[position2++] = 154;
    targetView.setUint32(position2, length);
    position2 += 4;
  }
}
var BlobConstructor = typeof Blob === "undefined" ? function() {
} : Blob;
function isBlob(object) {
  if (object instanceof BlobConstructor)
    return true;
  let tag = object[Symbol.toStringTag];
  return tag === "Blob" || tag === "File";
}
function findRepetitiveStrings(value, packedValues2) {
  switch (typeof value) {
    case "string":
      if (value.length > 3) {
        if (packedValues2.objectMap[value] > -1 || packedValues2.values.length >= packedValues2.maxValues)
          return;
        let packedStatus = packedValues2.get(value);
        if (packedStatus) {
          if (++packedStatus.count == 2) {
            packedValues2.values.push(value);
          }
        } else {
          packedValues2.set(value, {
            count: 1
          });
          if (packedValues2.samplingPackedValues) {
            let status = packedValues2.samplingPackedValues.get(value);
            if (status)
              status.count++;
            else
              packedValues2.samplingPackedValues.set(value, {
                count: 1
              });
          }
        }
      }
      break;
    case "object":
      if (value) {
        if (value instanceof Array) {
          for (let i2 = 0, l = value.length; i2 < l; i2++) {
            findRepetitiveStrings(value[i2], packedValues2);
          }
        } else {
          let includeKeys = !packedValues2.encoder.useRecords;
          for (var key in value) {
            if (value.hasOwnProperty(key)) {
              if (includeKeys)
                findRepetitiveStrings(key, packedValues2);
              findRepetitiveStrings(value[key], packedValues2);
            }
          }
        }
      }
      break;
    case "function":
      console.log(value);
  }
}
var isLittleEndianMachine2 = new Uint8Array(new Uint16Array([1]).buffer)[0] == 1;
extensionClasses = [
  Date,
  Set,
  Error,
  RegExp,
  Tag,
  ArrayBuffer,
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Uint32Array,
  typeof BigUint64Array == "undefined" ? function() {
  } : BigUint64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  typeof BigInt64Array == "undefined" ? function() {
  } : BigInt64Array,
  Float32Array,
  Float64Array,
  SharedData
];
extensions = [
  {
    // Date
    tag: 1,
    encode(date, encode2) {
      let seconds = date.getTime() / 1e3;
      if ((this.useTimestamp32 || date.getMilliseconds() === 0) && seconds >= 0 && seconds < 4294967296) {
        target[position2++] = 26;
        targetView.setUint32(position2, seconds);
        position2 += 4;
      } else {
        target[position2++] = 251;
        targetView.setFloat64(position2, seconds);
        position2 += 8;
      }
    }
  },
  {
    // Set
    tag: 258,
    // https://github.com/input-output-hk/cbor-sets-spec/blob/master/CBOR_SETS.md
    encode(set, encode2) {
      let array = Array.from(set);
      encode2(array);
    }
  },
  {
    // Error
    tag: 27,
    // http://cbor.schmorp.de/generic-object
    encode(error, encode2) {
      encode2([error.name, error.message]);
    }
  },
  {
    // RegExp
    tag: 27,
    // http://cbor.schmorp.de/generic-object
    encode(regex, encode2) {
      encode2(["RegExp", regex.source, regex.flags]);
    }
  },
  {
    // Tag
    getTag(tag) {
      return tag.tag;
    },
    encode(tag, encode2) {
      encode2(tag.value);
    }
  },
  {
    // ArrayBuffer
    encode(arrayBuffer, encode2, makeRoom) {
      writeBuffer(arrayBuffer, makeRoom);
    }
  },
  {
    // Uint8Array
    getTag(typedArray) {
      if (typedArray.constructor === Uint8Array) {
        if (this.tagUint8Array || hasNodeBuffer && this.tagUint8Array !== false)
          return 64;
      }
    },
    encode(typedArray, encode2, makeRoom) {
      writeBuffer(typedArray, makeRoom);
    }
  },
  typedArrayEncoder(68, 1),
  typedArrayEncoder(69, 2),
  typedArrayEncoder(70, 4),
  typedArrayEncoder(71, 8),
  typedArrayEncoder(72, 1),
  typedArrayEncoder(77, 2),
  typedArrayEncoder(78, 4),
  typedArrayEncoder(79, 8),
  typedArrayEncoder(85, 4),
  typedArrayEncoder(86, 8),
  {
    encode(sharedData, encode2) {
      let packedValues2 = sharedData.packedValues || [];
      let sharedStructures = sharedData.structures || [];
      if (packedValues2.values.length > 0) {
        target[position2++] = 216;
        target[position2++] = 51;
        writeArrayHeader(4);
        let valuesArray = packedValues2.values;
        encode2(valuesArray);
        writeArrayHeader(0);
        writeArrayHeader(0);
        packedObjectMap = Object.create(sharedPackedObjectMap || null);
        for (let i2 = 0, l = valuesArray.length; i2 < l; i2++) {
          packedObjectMap[valuesArray[i2]] = i2;
        }
      }
      if (sharedStructures) {
        targetView.setUint32(position2, 3655335424);
        position2 += 3;
        let definitions = sharedStructures.slice(0);
        definitions.unshift(57344);
        definitions.push(new Tag(sharedData.version, 1399353956));
        encode2(definitions);
      } else
        encode2(new Tag(sharedData.version, 1399353956));
    }
  }
];
function typedArrayEncoder(tag, size) {
  if (!isLittleEndianMachine2 && size > 1)
    tag -= 4;
  return {
    tag,
    encode: function writeExtBuffer(typedArray, encode2) {
      let length = typedArray.byteLength;
      let offset = typedArray.byteOffset || 0;
      let buffer = typedArray.buffer || typedArray;
      encode2(hasNodeBuffer ? Buffer2.from(buffer, offset, length) : new Uint8Array(buffer, offset, length));
    }
  };
}
function writeBuffer(buffer, makeRoom) {
  let length = buffer.byteLength;
  if (length < 24) {
    target[position2++] = 64 + length;
  } else if (length < 256) {
    target[position2++] = 88;
    target[position2++] = length;
  } else if (length < 65536) {
    target[position2++] = 89;
    target[position2++] = length >> 8;
    target[position2++] = length & 255;
  } else {
    target[position2++] = 90;
    targetView.setUint32(position2, length);
    position2 += 4;
  }
  if (position2 + length >= target.length) {
    makeRoom(position2 + length);
  }
  target.set(buffer.buffer ? buffer : new Uint8Array(buffer), position2);
  position2 += length;
}
function insertIds(serialized, idsToInsert) {
  let nextId;
  let distanceToMove = idsToInsert.length * 2;
  let lastEnd = serialized.length - distanceToMove;
  idsToInsert.sort((a, b) => a.offset > b.offset ? 1 : -1);
  for (let id = 0; id < idsToInsert.length; id++) {
    let referee = idsToInsert[id];
    referee.id = id;
    for (let position3 of referee.references) {
      serialized[position3++] = id >> 8;
      serialized[position3] = id & 255;
    }
  }
  while (nextId = idsToInsert.pop()) {
    let offset = nextId.offset;
    serialized.copyWithin(offset + distanceToMove, offset, lastEnd);
    distanceToMove -= 2;
    let position3 = offset + distanceToMove;
    serialized[position3++] = 216;
    serialized[position3++] = 28;
    lastEnd = offset;
  }
  return serialized;
}
function writeBundles(start, encode2) {
  targetView.setUint32(bundledStrings2.position + start, position2 - bundledStrings2.position - start + 1);
  let writeStrings = bundledStrings2;
  bundledStrings2 = null;
  encode2(writeStrings[0]);
  encode2(writeStrings[1]);
}
var defaultEncoder = new Encoder({ useRecords: false });
var encode = defaultEncoder.encode;
var encodeAsIterable = defaultEncoder.encodeAsIterable;
var encodeAsAsyncIterable = defaultEncoder.encodeAsAsyncIterable;
var { NEVER, ALWAYS, DECIMAL_ROUND, DECIMAL_FIT } = FLOAT32_OPTIONS;
var REUSE_BUFFER_MODE = 512;
var RESET_BUFFER_MODE = 1024;
var THROW_ON_ITERABLE = 2048;

// node_modules/cbor-x/node-index.js
var import_module = require("module");
var import_meta = {};
var nativeAccelerationDisabled = process.env.CBOR_NATIVE_ACCELERATION_DISABLED !== void 0 && process.env.CBOR_NATIVE_ACCELERATION_DISABLED.toLowerCase() === "true";
if (!nativeAccelerationDisabled) {
  let extractor;
  try {
    if (typeof require == "function")
      extractor = require("cbor-extract");
    else
      extractor = (0, import_module.createRequire)(import_meta.url)("cbor-extract");
    if (extractor)
      setExtractor(extractor.extractStrings);
  } catch (error) {
  }
}

// core/limits.ts
var DEFAULT_LIMITS = Object.freeze({
  maxCodeLength: 8192,
  maxInflatedBytes: 64 * 1024,
  maxCborDepth: 16,
  maxCborItems: 4096
});
function withLimits(partial) {
  return { ...DEFAULT_LIMITS, ...partial ?? {} };
}

// core/cbor.ts
var strictEncoder = new Encoder({
  useRecords: false,
  mapsAsObjects: false,
  useTag259ForMaps: false,
  tagUint8Array: false,
  variableMapSize: true,
  pack: false
});
var lenientDecoder = new Decoder({ useRecords: false, mapsAsObjects: false });
function checkWellFormed(bytes, limits = DEFAULT_LIMITS) {
  let pos = 0;
  let items = 0;
  const fail = (msg) => {
    throw new IthcError("CBOR_INVALID", `malformed CBOR at byte ${pos}: ${msg}`);
  };
  const need = (n) => {
    if (n > bytes.length - pos) fail("unexpected end of data");
  };
  const readArg = (ai) => {
    if (ai < 24) return ai;
    if (ai === 24) {
      need(1);
      return bytes[pos++];
    }
    if (ai === 25) {
      need(2);
      const v = bytes[pos] << 8 | bytes[pos + 1];
      pos += 2;
      return v;
    }
    if (ai === 26) {
      need(4);
      const v = (bytes[pos] << 24 >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
      pos += 4;
      return v;
    }
    if (ai === 27) {
      need(8);
      const hi = (bytes[pos] << 24 >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
      const lo = (bytes[pos + 4] << 24 >>> 0) + (bytes[pos + 5] << 16) + (bytes[pos + 6] << 8) + bytes[pos + 7];
      pos += 8;
      return hi > 2097151 ? Number.MAX_SAFE_INTEGER : hi * 4294967296 + lo;
    }
    return fail(`reserved additional information ${ai}`);
  };
  const item = (depth, allowBreak) => {
    if (depth > limits.maxCborDepth) throw new IthcError("SIZE_LIMIT", `CBOR nesting deeper than ${limits.maxCborDepth}`);
    if (++items > limits.maxCborItems) throw new IthcError("SIZE_LIMIT", `more than ${limits.maxCborItems} CBOR items`);
    need(1);
    const ib = bytes[pos++];
    const mt = ib >> 5;
    const ai = ib & 31;
    if (ib === 255) {
      if (!allowBreak) fail("unexpected break");
      items--;
      return true;
    }
    if (ai === 31) {
      if (mt === 2 || mt === 3) {
        for (; ; ) {
          need(1);
          if (bytes[pos] === 255) {
            pos++;
            break;
          }
          const cb = bytes[pos++];
          if (cb >> 5 !== mt || (cb & 31) === 31) fail("bad chunk in indefinite-length string");
          const len = readArg(cb & 31);
          need(len);
          if (mt === 3 && !isUtf8(bytes, pos, pos + len)) fail("invalid UTF-8 in a text string");
          pos += len;
        }
        return false;
      }
      if (mt === 4 || mt === 5) {
        for (; ; ) {
          if (item(depth + 1, true)) break;
          if (mt === 5 && item(depth + 1, false)) fail("break inside a map entry");
        }
        return false;
      }
      if (mt === 7) fail("unexpected break");
      fail(`indefinite length on major type ${mt}`);
    }
    const arg = readArg(ai);
    switch (mt) {
      case 0:
      case 1:
        return false;
      case 2:
      case 3:
        need(arg);
        if (mt === 3 && !isUtf8(bytes, pos, pos + arg)) fail("invalid UTF-8 in a text string");
        pos += arg;
        return false;
      case 4:
      case 5: {
        const n = mt === 5 ? arg * 2 : arg;
        if (n > bytes.length - pos) fail(`container claims ${arg} items but only ${bytes.length - pos} bytes remain`);
        for (let i2 = 0; i2 < n; i2++) item(depth + 1, false);
        return false;
      }
      case 6:
        item(depth + 1, false);
        return false;
      default:
        if (ai === 24 && arg < 32) fail("two-byte simple value below 32");
        return false;
    }
  };
  item(0, false);
  if (pos !== bytes.length) fail(`${bytes.length - pos} trailing bytes after the data item`);
}
function isUtf8(b, start, end) {
  for (let i2 = start; i2 < end; ) {
    const c = b[i2];
    if (c < 128) {
      i2++;
      continue;
    }
    let n, min, cp;
    if (c >= 194 && c <= 223) {
      n = 1;
      min = 128;
      cp = c & 31;
    } else if (c >= 224 && c <= 239) {
      n = 2;
      min = 2048;
      cp = c & 15;
    } else if (c >= 240 && c <= 244) {
      n = 3;
      min = 65536;
      cp = c & 7;
    } else return false;
    if (i2 + n >= end) return false;
    for (let k = 1; k <= n; k++) {
      const cc = b[i2 + k];
      if ((cc & 192) !== 128) return false;
      cp = cp << 6 | cc & 63;
    }
    if (cp < min || cp > 1114111 || cp >= 55296 && cp <= 57343) return false;
    i2 += n + 1;
  }
  return true;
}
function decodeLenient(bytes, limits = DEFAULT_LIMITS) {
  checkWellFormed(bytes, limits);
  try {
    return lenientDecoder.decode(bytes);
  } catch (e) {
    throw new IthcError("CBOR_INVALID", `malformed CBOR (${e instanceof Error ? e.message : String(e)})`);
  }
}

// core/cose.ts
var HEADER = Object.freeze({ alg: 1, crit: 2, contentType: 3, kid: 4, iv: 5, partialIv: 6 });
var TAG_COSE_SIGN1 = 18;
var TAG_CWT = 61;
function parseCoseSign1(bytes, limits = DEFAULT_LIMITS) {
  let v = decodeLenient(bytes, limits);
  const tags = [];
  while (v instanceof Tag) {
    if (v.tag !== TAG_COSE_SIGN1 && v.tag !== TAG_CWT || tags.length >= 2) {
      throw new IthcError("COSE_INVALID", `unexpected CBOR tag ${v.tag} around the COSE message (expected 18, optionally inside 61)`);
    }
    tags.push(v.tag);
    v = v.value;
  }
  if (tags.length && tags[tags.length - 1] !== TAG_COSE_SIGN1) {
    throw new IthcError("COSE_INVALID", "CWT tag 61 must wrap a COSE_Sign1 (tag 18)");
  }
  if (!Array.isArray(v) || v.length !== 4) throw new IthcError("COSE_INVALID", "COSE_Sign1 must be an array of four items");
  const [prot, unprot, payload, signature] = v;
  if (!(prot instanceof Uint8Array)) throw new IthcError("COSE_INVALID", "protected header must be a byte string");
  if (!(unprot instanceof Map)) throw new IthcError("COSE_INVALID", "unprotected header must be a map");
  if (!(payload instanceof Uint8Array)) throw new IthcError("COSE_INVALID", "payload must be an attached byte string");
  if (!(signature instanceof Uint8Array)) throw new IthcError("COSE_INVALID", "signature must be a byte string");
  let protectedHeader;
  if (prot.length === 0) protectedHeader = /* @__PURE__ */ new Map();
  else {
    const ph = decodeLenient(prot, limits);
    if (!(ph instanceof Map)) throw new IthcError("COSE_INVALID", "protected header must encode a map");
    protectedHeader = ph;
  }
  const pick = (label2) => protectedHeader.has(label2) ? [protectedHeader.get(label2), "protected"] : unprot.has(label2) ? [unprot.get(label2), "unprotected"] : [void 0, void 0];
  const [alg, algSource] = pick(HEADER.alg);
  const [kidRaw, kidSource] = pick(HEADER.kid);
  if (kidRaw !== void 0 && !(kidRaw instanceof Uint8Array)) throw new IthcError("COSE_INVALID", "kid must be a byte string");
  return {
    protectedBytes: copy(prot),
    protectedHeader,
    unprotectedHeader: unprot,
    payload: copy(payload),
    signature: copy(signature),
    alg,
    algSource,
    kid: kidRaw === void 0 ? void 0 : copy(kidRaw),
    kidSource,
    tags
  };
}
function copy(b) {
  return new Uint8Array(b);
}
var SIG_STRUCTURE_HEAD = new Uint8Array([132, 106, ..."Signature1".split("").map((c) => c.charCodeAt(0))]);

// core/cwt.ts
var CLAIM = Object.freeze({ iss: 1, sub: 2, aud: 3, exp: 4, nbf: 5, iat: 6, cti: 7, hcert: -260, ithc: -65537 });
var HCERT_EU_DGC_V1 = 1;
function time(v, name) {
  if (v === void 0) return void 0;
  if (typeof v === "bigint") throw new IthcError("CWT_INVALID", `${name} is out of range`);
  if (typeof v === "number" && Number.isFinite(v)) return Math.floor(v);
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isFinite(ms)) return Math.floor(ms / 1e3);
  }
  throw new IthcError("CWT_INVALID", `${name} must be a NumericDate`);
}
function parseClaims(payload, limits = DEFAULT_LIMITS) {
  let m;
  try {
    m = decodeLenient(payload, limits);
  } catch (e) {
    if (e instanceof IthcError && e.code === "CBOR_INVALID") throw new IthcError("CWT_INVALID", `CWT payload is not valid CBOR (${e.message})`);
    throw e;
  }
  if (!(m instanceof Map)) throw new IthcError("CWT_INVALID", "CWT payload must be a map of claims");
  const iss = m.get(CLAIM.iss);
  if (iss !== void 0 && typeof iss !== "string") throw new IthcError("CWT_INVALID", "iss must be a text string");
  const cti = m.get(CLAIM.cti);
  if (cti !== void 0 && !(cti instanceof Uint8Array)) throw new IthcError("CWT_INVALID", "cti must be a byte string");
  const hcert = m.get(CLAIM.hcert);
  let dcc;
  if (hcert !== void 0) {
    if (!(hcert instanceof Map)) throw new IthcError("CWT_INVALID", "hcert claim must be a map");
    dcc = hcert.get(HCERT_EU_DGC_V1);
    if (dcc !== void 0 && !(dcc instanceof Map)) throw new IthcError("CWT_INVALID", "the hcert claim must hold the DCC as a map (key 1)");
  }
  const ithc = m.get(CLAIM.ithc);
  if (dcc === void 0 && ithc === void 0) throw new IthcError("CWT_INVALID", "no health certificate in the CWT (hcert claim -260 with key 1, or the ITHC claim)");
  return {
    iss,
    iat: time(m.get(CLAIM.iat), "iat"),
    exp: time(m.get(CLAIM.exp), "exp"),
    nbf: time(m.get(CLAIM.nbf), "nbf"),
    cti,
    dcc,
    ithc,
    raw: m
  };
}

// core/valuesets.generated.ts
var VALUE_SET_DATA = {
  disease: {
    id: "disease-agent-targeted",
    date: "2021-04-27",
    values: {
      "840539006": { "en": "COVID-19", "zh": "\u65B0\u578B\u51A0\u72B6\u75C5\u6BD2\u611F\u67D3\uFF08COVID-19\uFF09" }
    }
  },
  vaccineProphylaxis: {
    id: "sct-vaccines-covid-19",
    date: "2023-01-25",
    values: {
      "1119305005": { "en": "SARS-CoV-2 antigen vaccine", "zh": "\u65B0\u51A0\u75C5\u6BD2\u6297\u539F\u75AB\u82D7" },
      "1119349007": { "en": "SARS-CoV-2 mRNA vaccine", "zh": "\u65B0\u51A0\u75C5\u6BD2 mRNA \u75AB\u82D7" },
      "1157024006": { "en": "Inactivated whole SARS-CoV-2 antigen vaccine", "zh": "\u65B0\u51A0\u75C5\u6BD2\u706D\u6D3B\u75AB\u82D7" },
      "1162643001": { "en": "SARS-CoV-2 recombinant spike protein antigen vaccine", "zh": "\u65B0\u51A0\u75C5\u6BD2\u91CD\u7EC4\u523A\u7A81\u86CB\u767D\u75AB\u82D7" },
      "1187593009": { "en": "SARS-CoV-2 DNA plasmid encoding spike protein vaccine", "zh": "\u65B0\u51A0\u75C5\u6BD2 DNA \u8D28\u7C92\u75AB\u82D7" },
      "28531000087107": { "en": "COVID-19 vaccine", "zh": "\u65B0\u51A0\u75C5\u6BD2\u75AB\u82D7" },
      "29061000087103": { "en": "COVID-19 non-replicating viral vector vaccine", "zh": "\u65B0\u51A0\u75C5\u6BD2\u975E\u590D\u5236\u578B\u75C5\u6BD2\u8F7D\u4F53\u75AB\u82D7" },
      "30141000087107": { "en": "SARS-CoV-2 virus-like particle antigen vaccine", "zh": "\u65B0\u51A0\u75C5\u6BD2\u75C5\u6BD2\u6837\u9897\u7C92\u75AB\u82D7" },
      "J07BX03": { "en": "covid-19 vaccines (deprecated)", "zh": "\u65B0\u51A0\u75C5\u6BD2\u75AB\u82D7\uFF08\u5DF2\u505C\u7528\u4EE3\u7801\uFF09", "inactive": true }
    }
  },
  vaccineProduct: {
    id: "vaccines-covid-19-names",
    date: "2022-11-30",
    values: {
      "AZD2816": { "en": "AZD2816" },
      "Abdala": { "en": "Abdala" },
      "BBIBP-CorV": { "en": "BBIBP-CorV", "zh": "\u65B0\u51A0\u75C5\u6BD2\u706D\u6D3B\u75AB\u82D7\uFF08Vero\u7EC6\u80DE\uFF09\uFF08\u56FD\u836F\u96C6\u56E2\u5317\u4EAC\u751F\u7269\uFF09" },
      "CVnCoV": { "en": "CVnCoV" },
      "Convidecia": { "en": "Convidecia", "zh": "\u514B\u5A01\u838E \u91CD\u7EC4\u65B0\u51A0\u75C5\u6BD2\u75AB\u82D7\uFF085\u578B\u817A\u75C5\u6BD2\u8F7D\u4F53\uFF09\uFF08\u5EB7\u5E0C\u8BFA\uFF09" },
      "CoronaVac": { "en": "CoronaVac", "zh": "\u514B\u5C14\u6765\u798F \u65B0\u51A0\u75C5\u6BD2\u706D\u6D3B\u75AB\u82D7\uFF08Vero\u7EC6\u80DE\uFF09\uFF08\u79D1\u5174\uFF09" },
      "Covaxin": { "en": "Covaxin" },
      "CoviVac": { "en": "CoviVac" },
      "Covid-19-adsorvida-inativada": { "en": "Vacina adsorvida covid-19 (inativada)" },
      "Covid-19-recombinant": { "en": "Covid-19 (recombinant)" },
      "Covifenz": { "en": "Covifenz" },
      "Covishield": { "en": "Covishield" },
      "Covovax": { "en": "Covovax" },
      "EU/1/20/1507": { "en": "Spikevax" },
      "EU/1/20/1525": { "en": "Jcovden" },
      "EU/1/20/1528": { "en": "Comirnaty" },
      "EU/1/21/1529": { "en": "Vaxzevria" },
      "EU/1/21/1580": { "en": "VidPrevtyn Beta" },
      "EU/1/21/1618": { "en": "Nuvaxovid" },
      "EU/1/21/1624": { "en": "COVID-19 Vaccine Valneva" },
      "EU/1/22/1709": { "en": "Bimervax" },
      "EpiVacCorona": { "en": "EpiVacCorona" },
      "EpiVacCorona-N": { "en": "EpiVacCorona-N" },
      "Hayat-Vax": { "en": "Hayat-Vax" },
      "Inactivated-SARS-CoV-2-Vero-Cell": { "en": "Inactivated SARS-CoV-2 (Vero Cell) (deprecated)", "zh": "\u65B0\u51A0\u75C5\u6BD2\u706D\u6D3B\u75AB\u82D7\uFF08Vero\u7EC6\u80DE\uFF09", "inactive": true },
      "MVC-COV1901": { "en": "MVC COVID-19 vaccine" },
      "NVSI-06-08": { "en": "NVSI-06-08", "zh": "NVSI-06-08 \u91CD\u7EC4\u65B0\u51A0\u75C5\u6BD2\u75AB\u82D7\uFF08\u56FD\u836F\u96C6\u56E2\uFF09" },
      "NVX-CoV2373": { "en": "NVX-CoV2373 (deprecated)", "inactive": true },
      "R-COVI": { "en": "R-COVI" },
      "SCTV01C": { "en": "SCTV01C", "zh": "SCTV01C \u91CD\u7EC4\u65B0\u51A0\u75C5\u6BD2\u86CB\u767D\u75AB\u82D7\uFF08\u795E\u5DDE\u7EC6\u80DE\uFF09" },
      "Soberana-02": { "en": "Soberana 02" },
      "Soberana-Plus": { "en": "Soberana Plus" },
      "Sputnik-Light": { "en": "Sputnik Light" },
      "Sputnik-M": { "en": "Sputnik M" },
      "Sputnik-V": { "en": "Sputnik-V" },
      "VLA2001": { "en": "VLA2001 (deprecated)", "inactive": true },
      "Vidprevtyn": { "en": "Vidprevtyn (deprecated)", "inactive": true },
      "WIBP-CorV": { "en": "WIBP-CorV", "zh": "\u65B0\u51A0\u75C5\u6BD2\u706D\u6D3B\u75AB\u82D7\uFF08Vero\u7EC6\u80DE\uFF09\uFF08\u56FD\u836F\u96C6\u56E2\u6B66\u6C49\u751F\u7269\uFF09" },
      "YS-SC2-010": { "en": "YS-SC2-010", "zh": "YS-SC2-010 \u91CD\u7EC4\u65B0\u51A0\u75C5\u6BD2\u75AB\u82D7\uFF08\u4F9D\u751F\u751F\u7269\uFF09" }
    }
  },
  vaccineManufacturer: {
    id: "vaccines-covid-19-auth-holders",
    date: "2022-01-26",
    values: {
      "Bharat-Biotech": { "en": "Bharat Biotech" },
      "CIGB": { "en": "Center for Genetic Engineering and Biotechnology" },
      "Chumakov-Federal-Scientific-Center": { "en": "Chumakov Federal Scientific Center for Research and Development of Immune-and-Biological Products" },
      "Finlay-Institute": { "en": "Finlay Institute of Vaccines" },
      "Fiocruz": { "en": "Fiocruz" },
      "Gamaleya-Research-Institute": { "en": "Gamaleya Research Institute" },
      "Instituto-Butantan": { "en": "Instituto Butantan" },
      "NVSI": { "en": "National Vaccine and Serum Institute, China", "zh": "\u56FD\u836F\u96C6\u56E2\uFF08NVSI\uFF09" },
      "ORG-100000788": { "en": "Sanofi Pasteur" },
      "ORG-100001417": { "en": "Janssen-Cilag International" },
      "ORG-100001699": { "en": "AstraZeneca AB" },
      "ORG-100001981": { "en": "Serum Institute Of India Private Limited" },
      "ORG-100006270": { "en": "Curevac AG" },
      "ORG-100007893": { "en": "R-Pharm CJSC" },
      "ORG-100008549": { "en": "Medicago Inc." },
      "ORG-100010771": { "en": "Sinopharm Weiqida Europe Pharmaceutical s.r.o. - Prague location", "zh": "\u56FD\u836F\u96C6\u56E2\u5A01\u5947\u8FBE\u6B27\u6D32\uFF08\u5E03\u62C9\u683C\uFF09" },
      "ORG-100013793": { "en": "CanSino Biologics", "zh": "\u5EB7\u5E0C\u8BFA\u751F\u7269" },
      "ORG-100020693": { "en": "China Sinopharm International Corp. - Beijing location", "zh": "\u56FD\u836F\u96C6\u56E2\uFF08\u5317\u4EAC\uFF09" },
      "ORG-100023050": { "en": "Gulf Pharmaceutical Industries" },
      "ORG-100024420": { "en": "Sinopharm Zhijun (Shenzhen) Pharmaceutical Co. Ltd. - Shenzhen location", "zh": "\u56FD\u836F\u96C6\u56E2\u81F4\u541B\uFF08\u6DF1\u5733\uFF09\u5236\u836F" },
      "ORG-100026614": { "en": "Sinocelltech Ltd.", "zh": "\u795E\u5DDE\u7EC6\u80DE" },
      "ORG-100030215": { "en": "Biontech Manufacturing GmbH" },
      "ORG-100031184": { "en": "Moderna Biotech Spain S.L." },
      "ORG-100032020": { "en": "Novavax CZ a.s." },
      "ORG-100033914": { "en": "Medigen Vaccine Biologics Corporation" },
      "ORG-100036422": { "en": "Valneva France" },
      "ORG-100036914": { "en": "Hipra Human Health S.L." },
      "Sinopharm-WIBP": { "en": "Sinopharm - Wuhan Institute of Biological Products", "zh": "\u56FD\u836F\u96C6\u56E2\u6B66\u6C49\u751F\u7269\u5236\u54C1\u7814\u7A76\u6240" },
      "Sinovac-Biotech": { "en": "Sinovac Biotech", "zh": "\u5317\u4EAC\u79D1\u5174\u751F\u7269" },
      "Vector-Institute": { "en": "Vector Institute" },
      "Yisheng-Biopharma": { "en": "Yisheng Biopharma", "zh": "\u4F9D\u751F\u751F\u7269" }
    }
  },
  testType: {
    id: "covid-19-lab-test-type",
    date: "2021-04-27",
    values: {
      "LP217198-3": { "en": "Rapid immunoassay", "zh": "\u6297\u539F\u5FEB\u901F\u68C0\u6D4B" },
      "LP6464-4": { "en": "Nucleic acid amplification with probe detection", "zh": "\u6838\u9178\u68C0\u6D4B\uFF08\u6838\u9178\u6269\u589E\uFF09" }
    }
  },
  testResult: {
    id: "covid-19-lab-result",
    date: "2021-04-27",
    values: {
      "260373001": { "en": "Detected", "zh": "\u68C0\u51FA\uFF08\u9633\u6027\uFF09" },
      "260415000": { "en": "Not detected", "zh": "\u672A\u68C0\u51FA\uFF08\u9634\u6027\uFF09" }
    }
  },
  testManufacturer: {
    id: "covid-19-lab-test-manufacturer-and-name",
    date: "2021-07-01",
    values: {
      "308": { "en": "PCL Inc, PCL COVID19 Ag Rapid FIA" },
      "344": { "en": "SD BIOSENSOR Inc, STANDARD F COVID-19 Ag FIA" },
      "345": { "en": "SD BIOSENSOR Inc, STANDARD Q COVID-19 Ag Test" },
      "768": { "en": "ArcDia International Ltd, mariPOC SARS-CoV-2" },
      "1065": { "en": "Becton Dickinson, BD Veritor\u2122 System for Rapid Detection of SARS CoV 2", "inactive": true },
      "1097": { "en": "Quidel Corporation, Sofia SARS Antigen FIA" },
      "1114": { "en": "Sugentech, Inc, SGTi-flex COVID-19 Ag" },
      "1144": { "en": "Green Cross Medical Science Corp., GENEDIA W COVID-19 Ag" },
      "1162": { "en": "Nal von minden GmbH, NADAL COVID-19 Ag Test" },
      "1173": { "en": "CerTest Biotec, CerTest SARS-CoV-2 Card test" },
      "1180": { "en": "MEDsan GmbH, MEDsan SARS-CoV-2 Antigen Rapid Test" },
      "1190": { "en": "m\xF6Lab, m\xF6-screen Corona Antigen Test" },
      "1199": { "en": "Oncosem Onkolojik Sistemler San. ve Tic. A.S., CAT" },
      "1201": { "en": "ScheBo Biotech AG, ScheBo SARS CoV-2 Quick Antigen" },
      "1215": { "en": "Hangzhou Laihe Biotech Co., Ltd, LYHER Novel Coronavirus (COVID-19) Antigen Test Kit(Colloidal Gold)" },
      "1218": { "en": "Siemens Healthineers, CLINITEST Rapid Covid-19 Antigen Test" },
      "1223": { "en": "BIOSYNEX S.A., BIOSYNEX COVID-19 Ag BSS" },
      "1225": { "en": "DDS DIAGNOSTIC, Test Rapid Covid-19 Antigen (tampon nazofaringian)" },
      "1232": { "en": "Abbott Rapid Diagnostics, Panbio COVID-19 Ag Rapid Test" },
      "1236": { "en": "BTNX Inc, Rapid Response COVID-19 Antigen Rapid Test" },
      "1242": { "en": "Bionote, Inc, NowCheck COVID-19 Ag Test", "inactive": true },
      "1244": { "en": "GenBody, Inc, Genbody COVID-19 Ag Test" },
      "1253": { "en": "GenSure Biotech Inc, GenSure COVID-19 Antigen Rapid Kit" },
      "1257": { "en": "Hangzhou AllTest Biotech Co., Ltd, COVID-19 Antigen Rapid Test" },
      "1263": { "en": "Humasis, Humasis COVID-19 Ag Test" },
      "1266": { "en": "Labnovation Technologies Inc, SARS-CoV-2 Antigen Rapid Test Kit" },
      "1267": { "en": "LumiQuick Diagnostics Inc, QuickProfile COVID-19 Antigen Test" },
      "1268": { "en": "LumiraDX, LumiraDx SARS-CoV-2 Ag Test" },
      "1271": { "en": "Precision Biosensor, Inc, Exdia COVID-19 Ag" },
      "1278": { "en": "Xiamen Boson Biotech Co. Ltd, Rapid SARS-CoV-2 Antigen Test Card" },
      "1295": { "en": "Zhejiang Anji Saianfu Biotech Co., Ltd, reOpenTest COVID-19 Antigen Rapid Test" },
      "1296": { "en": "Zhejiang Anji Saianfu Biotech Co., Ltd, AndLucky COVID-19 Antigen Rapid Test" },
      "1304": { "en": "AMEDA Labordiagnostik GmbH, AMP Rapid Test SARS-CoV-2 Ag" },
      "1319": { "en": "SGA Medikal, V-Chek SARS-CoV-2 Ag Rapid Test Kit (Colloidal Gold)" },
      "1331": { "en": "Beijing Lepu Medical Technology Co., Ltd, SARS-CoV-2 Antigen Rapid Test Kit" },
      "1333": { "en": "Joinstar Biomedical Technology Co., Ltd, COVID-19 Rapid Antigen Test (Colloidal Gold)" },
      "1341": { "en": "Qingdao Hightop Biotech Co., Ltd, SARS-CoV-2 Antigen Rapid Test (Immunochromatography)" },
      "1343": { "en": "Zhezhiang Orient Gene Biotech Co., Ltd, Coronavirus Ag Rapid Test Cassette (Swab)" },
      "1360": { "en": "Guangdong Wesail Biotech Co., Ltd, COVID-19 Ag Test Kit" },
      "1363": { "en": "Hangzhou Clongene Biotech Co., Ltd, Covid-19 Antigen Rapid Test Kit" },
      "1365": { "en": "Hangzhou Clongene Biotech Co., Ltd, COVID-19/Influenza A+B Antigen Combo Rapid Test" },
      "1375": { "en": "DIALAB GmbH, DIAQUICK COVID-19 Ag Cassette" },
      "1392": { "en": "Hangzhou Testsea Biotechnology Co., Ltd, COVID-19 Antigen Test Cassette" },
      "1420": { "en": "NanoEntek, FREND COVID-19 Ag" },
      "1437": { "en": "Guangzhou Wondfo Biotech Co., Ltd, Wondfo 2019-nCoV Antigen Test (Lateral Flow Method)" },
      "1443": { "en": "Vitrosens Biotechnology Co., Ltd, RapidFor SARS-CoV-2 Rapid Ag Test" },
      "1456": { "en": "Xiamen Wiz Biotech Co., Ltd, SARS-CoV-2 Antigen Rapid Test" },
      "1466": { "en": "TODA PHARMA, TODA CORONADIAG Ag" },
      "1468": { "en": "ACON Laboratories, Inc, Flowflex SARS-CoV-2 Antigen rapid test" },
      "1481": { "en": "MP Biomedicals, Rapid SARS-CoV-2 Antigen Test Card" },
      "1484": { "en": "Beijing Wantai Biological Pharmacy Enterprise Co., Ltd, Wantai SARS-CoV-2 Ag Rapid Test (FIA)" },
      "1489": { "en": "Safecare Biotech (Hangzhou) Co. Ltd, COVID-19 Antigen Rapid Test Kit (Swab)" },
      "1490": { "en": "Safecare Biotech (Hangzhou) Co. Ltd, Multi-Respiratory Virus Antigen Test Kit(Swab)  (Influenza A+B/ COVID-19)" },
      "1501": { "en": "New Gene (Hangzhou) Bioengineering Co., Ltd, COVID-19 Antigen Detection Kit" },
      "1574": { "en": "Shenzhen Zhenrui Biotechnology Co., Ltd, Zhenrui \xAECOVID-19 Antigen Test Cassette" },
      "1604": { "en": "Roche (SD BIOSENSOR), SARS-CoV-2 Rapid Antigen Test" },
      "1606": { "en": "RapiGEN Inc, BIOCREDIT COVID-19 Ag - SARS-CoV 2 Antigen test" },
      "1654": { "en": "Asan Pharmaceutical CO., LTD, Asan Easy Test COVID-19 Ag" },
      "1736": { "en": "Anhui Deep Blue Medical Technology Co., Ltd, COVID-19 (SARS-CoV-2) Antigen Test Kit(Colloidal Gold)" },
      "1747": { "en": "Guangdong Hecin Scientific, Inc., 2019-nCoV Antigen Test Kit (colloidal gold method)" },
      "1763": { "en": "Xiamen AmonMed Biotechnology Co., Ltd, COVID-19 Antigen Rapid Test Kit (Colloidal Gold)" },
      "1764": { "en": "JOYSBIO (Tianjin) Biotechnology Co., Ltd, SARS-CoV-2 Antigen Rapid Test Kit (Colloidal Gold)" },
      "1767": { "en": "Healgen Scientific, Coronavirus Ag Rapid Test Cassette" },
      "1769": { "en": "Shenzhen Watmind Medical Co., Ltd, SARS-CoV-2 Ag Diagnostic Test Kit (Colloidal Gold)" },
      "1815": { "en": "Anhui Deep Blue Medical Technology Co., Ltd, COVID-19 (SARS-CoV-2) Antigen Test Kit (Colloidal Gold) - Nasal Swab" },
      "1822": { "en": "Anbio (Xiamen) Biotechnology Co., Ltd, Rapid COVID-19 Antigen Test(Colloidal Gold)" },
      "1833": { "en": "AAZ-LMB, COVID-VIRO" },
      "1844": { "en": "Hangzhou Immuno Biotech Co.,Ltd, Immunobio SARS-CoV-2 Antigen ANTERIOR NASAL Rapid Test Kit (minimal invasive)" },
      "1870": { "en": "Beijing Hotgen Biotech Co., Ltd, Novel Coronavirus 2019-nCoV Antigen Test (Colloidal Gold)" },
      "1884": { "en": "Xiamen Wiz Biotech Co., Ltd, SARS-CoV-2 Antigen Rapid Test (Colloidal Gold)" },
      "1906": { "en": "Azure Biotech Inc, COVID-19 Antigen Rapid Test Device" },
      "1919": { "en": "Core Technology Co., Ltd, Coretests COVID-19 Ag Test" },
      "1934": { "en": "Tody Laboratories Int., Coronavirus (SARS-CoV 2) Antigen - Oral Fluid" },
      "2010": { "en": "Atlas Link Technology Co., Ltd., NOVA Test\xAE SARS-CoV-2 Antigen Rapid Test Kit (Colloidal Gold Immunochromatography)" },
      "2017": { "en": "Shenzhen Ultra-Diagnostics Biotec.Co.,Ltd, SARS-CoV-2 Antigen Test Kit" },
      "2029": { "en": "Merlin Biomedical (Xiamen) Co., Ltd., SARS-CoV-2 Antigen Rapid Test Cassette" },
      "2074": { "en": "Triplex International Biosciences (China) Co., LTD., SARS-CoV-2 Antigen Rapid Test Kit" },
      "2098": { "en": "Wuhan EasyDiagnosis Biomedicine Co., Ltd., COVID-19 (SARS-CoV-2) Antigen Test Kit" },
      "2101": { "en": "AXIOM Gesellschaft f\xFCr Diagnostica und Biochemica mbH, COVID-19 Antigen Rapid Test" },
      "2103": { "en": "VivaChek Biotech (Hangzhou) Co., Ltd, VivaDiag Pro SARS-CoV-2 Ag Rapid Test" },
      "2104": { "en": "Nal von minden GmbH, NADAL COVID -19 Ag +Influenza A/B Test" },
      "2108": { "en": "AESKU.DIAGNOSTICS GmbH & Co. KG, AESKU.RAPID SARS-CoV-2" },
      "2109": { "en": "Shenzhen Lvshiyuan Biotechnology Co., Ltd., Green Spring SARS-CoV-2 Antigen-Rapid test-Set" },
      "2116": { "en": "PerGrande BioTech Development Co., Ltd., SARS-CoV-2 Antigen Detection Kit (Colloidal Gold Immunochromatographic Assay)" },
      "2128": { "en": "Lumigenex (Suzhou) Co., Ltd, PocRoc\xAESARS-CoV-2 Antigen Rapid Test Kit (Colloidal Gold)" },
      "2130": { "en": "Affimedix, Inc., TestNOW\xAE - COVID-19 Antigen Test" },
      "2139": { "en": "HANGZHOU LYSUN BIOTECHNOLOGY CO., LTD., COVID-19 Antigen Rapid Test Device\uFF08Colloidal Gold\uFF09" },
      "2183": { "en": "Getein Biotech, Inc., One Step Test for SARS-CoV-2 Antigen (Colloidal Gold)" }
    }
  },
  country: {
    id: "country-2-codes",
    date: "2019-11-01",
    values: {
      "AD": { "en": "Andorra", "zh": "\u5B89\u9053\u5C14" },
      "AE": { "en": "United Arab Emirates", "zh": "\u963F\u62C9\u4F2F\u8054\u5408\u914B\u957F\u56FD" },
      "AF": { "en": "Afghanistan", "zh": "\u963F\u5BCC\u6C57" },
      "AG": { "en": "Antigua and Barbuda", "zh": "\u5B89\u63D0\u74DC\u548C\u5DF4\u5E03\u8FBE" },
      "AI": { "en": "Anguilla", "zh": "\u5B89\u572D\u62C9" },
      "AL": { "en": "Albania", "zh": "\u963F\u5C14\u5DF4\u5C3C\u4E9A" },
      "AM": { "en": "Armenia", "zh": "\u4E9A\u7F8E\u5C3C\u4E9A" },
      "AO": { "en": "Angola", "zh": "\u5B89\u54E5\u62C9" },
      "AQ": { "en": "Antarctica", "zh": "\u5357\u6781\u6D32" },
      "AR": { "en": "Argentina", "zh": "\u963F\u6839\u5EF7" },
      "AS": { "en": "American Samoa", "zh": "\u7F8E\u5C5E\u8428\u6469\u4E9A" },
      "AT": { "en": "Austria", "zh": "\u5965\u5730\u5229" },
      "AU": { "en": "Australia", "zh": "\u6FB3\u5927\u5229\u4E9A" },
      "AW": { "en": "Aruba", "zh": "\u963F\u9C81\u5DF4" },
      "AX": { "en": "\xC5land Islands", "zh": "\u5965\u5170\u7FA4\u5C9B" },
      "AZ": { "en": "Azerbaijan", "zh": "\u963F\u585E\u62DC\u7586" },
      "BA": { "en": "Bosnia and Herzegovina", "zh": "\u6CE2\u65AF\u5C3C\u4E9A\u548C\u9ED1\u585E\u54E5\u7EF4\u90A3" },
      "BB": { "en": "Barbados", "zh": "\u5DF4\u5DF4\u591A\u65AF" },
      "BD": { "en": "Bangladesh", "zh": "\u5B5F\u52A0\u62C9\u56FD" },
      "BE": { "en": "Belgium", "zh": "\u6BD4\u5229\u65F6" },
      "BF": { "en": "Burkina Faso", "zh": "\u5E03\u57FA\u7EB3\u6CD5\u7D22" },
      "BG": { "en": "Bulgaria", "zh": "\u4FDD\u52A0\u5229\u4E9A" },
      "BH": { "en": "Bahrain", "zh": "\u5DF4\u6797" },
      "BI": { "en": "Burundi", "zh": "\u5E03\u9686\u8FEA" },
      "BJ": { "en": "Benin", "zh": "\u8D1D\u5B81" },
      "BL": { "en": "Saint Barth\xE9lemy", "zh": "\u5723\u5DF4\u6CF0\u52D2\u7C73" },
      "BM": { "en": "Bermuda", "zh": "\u767E\u6155\u5927" },
      "BN": { "en": "Brunei Darussalam", "zh": "\u6587\u83B1" },
      "BO": { "en": "Bolivia, Plurinational State of", "zh": "\u73BB\u5229\u7EF4\u4E9A" },
      "BQ": { "en": "Bonaire, Sint Eustatius and Saba", "zh": "\u8377\u5C5E\u52A0\u52D2\u6BD4\u533A" },
      "BR": { "en": "Brazil", "zh": "\u5DF4\u897F" },
      "BS": { "en": "Bahamas", "zh": "\u5DF4\u54C8\u9A6C" },
      "BT": { "en": "Bhutan", "zh": "\u4E0D\u4E39" },
      "BV": { "en": "Bouvet Island", "zh": "\u5E03\u97E6\u5C9B" },
      "BW": { "en": "Botswana", "zh": "\u535A\u8328\u74E6\u7EB3" },
      "BY": { "en": "Belarus", "zh": "\u767D\u4FC4\u7F57\u65AF" },
      "BZ": { "en": "Belize", "zh": "\u4F2F\u5229\u5179" },
      "CA": { "en": "Canada", "zh": "\u52A0\u62FF\u5927" },
      "CC": { "en": "Cocos (Keeling) Islands", "zh": "\u79D1\u79D1\u65AF\uFF08\u57FA\u6797\uFF09\u7FA4\u5C9B" },
      "CD": { "en": "Congo, the Democratic Republic of the", "zh": "\u521A\u679C\uFF08\u91D1\uFF09" },
      "CF": { "en": "Central African Republic", "zh": "\u4E2D\u975E\u5171\u548C\u56FD" },
      "CG": { "en": "Congo", "zh": "\u521A\u679C\uFF08\u5E03\uFF09" },
      "CH": { "en": "Switzerland", "zh": "\u745E\u58EB" },
      "CI": { "en": "C\xF4te d''Ivoire", "zh": "\u79D1\u7279\u8FEA\u74E6" },
      "CK": { "en": "Cook Islands", "zh": "\u5E93\u514B\u7FA4\u5C9B" },
      "CL": { "en": "Chile", "zh": "\u667A\u5229" },
      "CM": { "en": "Cameroon", "zh": "\u5580\u9EA6\u9686" },
      "CN": { "en": "China", "zh": "\u4E2D\u56FD" },
      "CO": { "en": "Colombia", "zh": "\u54E5\u4F26\u6BD4\u4E9A" },
      "CR": { "en": "Costa Rica", "zh": "\u54E5\u65AF\u8FBE\u9ECE\u52A0" },
      "CU": { "en": "Cuba", "zh": "\u53E4\u5DF4" },
      "CV": { "en": "Cabo Verde", "zh": "\u4F5B\u5F97\u89D2" },
      "CW": { "en": "Cura\xE7ao", "zh": "\u5E93\u62C9\u7D22" },
      "CX": { "en": "Christmas Island", "zh": "\u5723\u8BDE\u5C9B" },
      "CY": { "en": "Cyprus", "zh": "\u585E\u6D66\u8DEF\u65AF" },
      "CZ": { "en": "Czechia", "zh": "\u6377\u514B" },
      "DE": { "en": "Germany", "zh": "\u5FB7\u56FD" },
      "DJ": { "en": "Djibouti", "zh": "\u5409\u5E03\u63D0" },
      "DK": { "en": "Denmark", "zh": "\u4E39\u9EA6" },
      "DM": { "en": "Dominica", "zh": "\u591A\u7C73\u5C3C\u514B" },
      "DO": { "en": "Dominican Republic", "zh": "\u591A\u7C73\u5C3C\u52A0\u5171\u548C\u56FD" },
      "DZ": { "en": "Algeria", "zh": "\u963F\u5C14\u53CA\u5229\u4E9A" },
      "EC": { "en": "Ecuador", "zh": "\u5384\u74DC\u591A\u5C14" },
      "EE": { "en": "Estonia", "zh": "\u7231\u6C99\u5C3C\u4E9A" },
      "EG": { "en": "Egypt", "zh": "\u57C3\u53CA" },
      "EH": { "en": "Western Sahara", "zh": "\u897F\u6492\u54C8\u62C9" },
      "ER": { "en": "Eritrea", "zh": "\u5384\u7ACB\u7279\u91CC\u4E9A" },
      "ES": { "en": "Spain", "zh": "\u897F\u73ED\u7259" },
      "ET": { "en": "Ethiopia", "zh": "\u57C3\u585E\u4FC4\u6BD4\u4E9A" },
      "FI": { "en": "Finland", "zh": "\u82AC\u5170" },
      "FJ": { "en": "Fiji", "zh": "\u6590\u6D4E" },
      "FK": { "en": "Falkland Islands (Malvinas)", "zh": "\u798F\u514B\u5170\u7FA4\u5C9B" },
      "FM": { "en": "Micronesia, Federated States of", "zh": "\u5BC6\u514B\u7F57\u5C3C\u897F\u4E9A" },
      "FO": { "en": "Faroe Islands", "zh": "\u6CD5\u7F57\u7FA4\u5C9B" },
      "FR": { "en": "France", "zh": "\u6CD5\u56FD" },
      "GA": { "en": "Gabon", "zh": "\u52A0\u84EC" },
      "GB": { "en": "United Kingdom of Great Britain and Northern Ireland", "zh": "\u82F1\u56FD" },
      "GD": { "en": "Grenada", "zh": "\u683C\u6797\u7EB3\u8FBE" },
      "GE": { "en": "Georgia", "zh": "\u683C\u9C81\u5409\u4E9A" },
      "GF": { "en": "French Guiana", "zh": "\u6CD5\u5C5E\u572D\u4E9A\u90A3" },
      "GG": { "en": "Guernsey", "zh": "\u6839\u897F\u5C9B" },
      "GH": { "en": "Ghana", "zh": "\u52A0\u7EB3" },
      "GI": { "en": "Gibraltar", "zh": "\u76F4\u5E03\u7F57\u9640" },
      "GL": { "en": "Greenland", "zh": "\u683C\u9675\u5170" },
      "GM": { "en": "Gambia", "zh": "\u5188\u6BD4\u4E9A" },
      "GN": { "en": "Guinea", "zh": "\u51E0\u5185\u4E9A" },
      "GP": { "en": "Guadeloupe", "zh": "\u74DC\u5FB7\u7F57\u666E" },
      "GQ": { "en": "Equatorial Guinea", "zh": "\u8D64\u9053\u51E0\u5185\u4E9A" },
      "GR": { "en": "Greece", "zh": "\u5E0C\u814A" },
      "GS": { "en": "South Georgia and the South Sandwich Islands", "zh": "\u5357\u4E54\u6CBB\u4E9A\u548C\u5357\u6851\u5A01\u5947\u7FA4\u5C9B" },
      "GT": { "en": "Guatemala", "zh": "\u5371\u5730\u9A6C\u62C9" },
      "GU": { "en": "Guam", "zh": "\u5173\u5C9B" },
      "GW": { "en": "Guinea-Bissau", "zh": "\u51E0\u5185\u4E9A\u6BD4\u7ECD" },
      "GY": { "en": "Guyana", "zh": "\u572D\u4E9A\u90A3" },
      "HK": { "en": "Hong Kong", "zh": "\u4E2D\u56FD\u9999\u6E2F" },
      "HM": { "en": "Heard Island and McDonald Islands", "zh": "\u8D6B\u5FB7\u5C9B\u548C\u9EA6\u514B\u5510\u7EB3\u7FA4\u5C9B" },
      "HN": { "en": "Honduras", "zh": "\u6D2A\u90FD\u62C9\u65AF" },
      "HR": { "en": "Croatia", "zh": "\u514B\u7F57\u5730\u4E9A" },
      "HT": { "en": "Haiti", "zh": "\u6D77\u5730" },
      "HU": { "en": "Hungary", "zh": "\u5308\u7259\u5229" },
      "ID": { "en": "Indonesia", "zh": "\u5370\u5EA6\u5C3C\u897F\u4E9A" },
      "IE": { "en": "Ireland", "zh": "\u7231\u5C14\u5170" },
      "IL": { "en": "Israel", "zh": "\u4EE5\u8272\u5217" },
      "IM": { "en": "Isle of Man", "zh": "\u9A6C\u6069\u5C9B" },
      "IN": { "en": "India", "zh": "\u5370\u5EA6" },
      "IO": { "en": "British Indian Ocean Territory", "zh": "\u82F1\u5C5E\u5370\u5EA6\u6D0B\u9886\u5730" },
      "IQ": { "en": "Iraq", "zh": "\u4F0A\u62C9\u514B" },
      "IR": { "en": "Iran, Islamic Republic of", "zh": "\u4F0A\u6717" },
      "IS": { "en": "Iceland", "zh": "\u51B0\u5C9B" },
      "IT": { "en": "Italy", "zh": "\u610F\u5927\u5229" },
      "JE": { "en": "Jersey", "zh": "\u6CFD\u897F\u5C9B" },
      "JM": { "en": "Jamaica", "zh": "\u7259\u4E70\u52A0" },
      "JO": { "en": "Jordan", "zh": "\u7EA6\u65E6" },
      "JP": { "en": "Japan", "zh": "\u65E5\u672C" },
      "KE": { "en": "Kenya", "zh": "\u80AF\u5C3C\u4E9A" },
      "KG": { "en": "Kyrgyzstan", "zh": "\u5409\u5C14\u5409\u65AF\u65AF\u5766" },
      "KH": { "en": "Cambodia", "zh": "\u67EC\u57D4\u5BE8" },
      "KI": { "en": "Kiribati", "zh": "\u57FA\u91CC\u5DF4\u65AF" },
      "KM": { "en": "Comoros", "zh": "\u79D1\u6469\u7F57" },
      "KN": { "en": "Saint Kitts and Nevis", "zh": "\u5723\u57FA\u8328\u548C\u5C3C\u7EF4\u65AF" },
      "KP": { "en": "Korea, Democratic People''s Republic of", "zh": "\u671D\u9C9C" },
      "KR": { "en": "Korea, Republic of", "zh": "\u97E9\u56FD" },
      "KW": { "en": "Kuwait", "zh": "\u79D1\u5A01\u7279" },
      "KY": { "en": "Cayman Islands", "zh": "\u5F00\u66FC\u7FA4\u5C9B" },
      "KZ": { "en": "Kazakhstan", "zh": "\u54C8\u8428\u514B\u65AF\u5766" },
      "LA": { "en": "Lao People''s Democratic Republic", "zh": "\u8001\u631D" },
      "LB": { "en": "Lebanon", "zh": "\u9ECE\u5DF4\u5AE9" },
      "LC": { "en": "Saint Lucia", "zh": "\u5723\u5362\u897F\u4E9A" },
      "LI": { "en": "Liechtenstein", "zh": "\u5217\u652F\u6566\u58EB\u767B" },
      "LK": { "en": "Sri Lanka", "zh": "\u65AF\u91CC\u5170\u5361" },
      "LR": { "en": "Liberia", "zh": "\u5229\u6BD4\u91CC\u4E9A" },
      "LS": { "en": "Lesotho", "zh": "\u83B1\u7D22\u6258" },
      "LT": { "en": "Lithuania", "zh": "\u7ACB\u9676\u5B9B" },
      "LU": { "en": "Luxembourg", "zh": "\u5362\u68EE\u5821" },
      "LV": { "en": "Latvia", "zh": "\u62C9\u8131\u7EF4\u4E9A" },
      "LY": { "en": "Libya", "zh": "\u5229\u6BD4\u4E9A" },
      "MA": { "en": "Morocco", "zh": "\u6469\u6D1B\u54E5" },
      "MC": { "en": "Monaco", "zh": "\u6469\u7EB3\u54E5" },
      "MD": { "en": "Moldova, Republic of", "zh": "\u6469\u5C14\u591A\u74E6" },
      "ME": { "en": "Montenegro", "zh": "\u9ED1\u5C71" },
      "MF": { "en": "Saint Martin (French part)", "zh": "\u6CD5\u5C5E\u5723\u9A6C\u4E01" },
      "MG": { "en": "Madagascar", "zh": "\u9A6C\u8FBE\u52A0\u65AF\u52A0" },
      "MH": { "en": "Marshall Islands", "zh": "\u9A6C\u7ECD\u5C14\u7FA4\u5C9B" },
      "MK": { "en": "Macedonia, the former Yugoslav Republic of", "zh": "\u5317\u9A6C\u5176\u987F" },
      "ML": { "en": "Mali", "zh": "\u9A6C\u91CC" },
      "MM": { "en": "Myanmar", "zh": "\u7F05\u7538" },
      "MN": { "en": "Mongolia", "zh": "\u8499\u53E4" },
      "MO": { "en": "Macao", "zh": "\u4E2D\u56FD\u6FB3\u95E8" },
      "MP": { "en": "Northern Mariana Islands", "zh": "\u5317\u9A6C\u91CC\u4E9A\u7EB3\u7FA4\u5C9B" },
      "MQ": { "en": "Martinique", "zh": "\u9A6C\u63D0\u5C3C\u514B" },
      "MR": { "en": "Mauritania", "zh": "\u6BDB\u91CC\u5854\u5C3C\u4E9A" },
      "MS": { "en": "Montserrat", "zh": "\u8499\u7279\u585E\u62C9\u7279" },
      "MT": { "en": "Malta", "zh": "\u9A6C\u8033\u4ED6" },
      "MU": { "en": "Mauritius", "zh": "\u6BDB\u91CC\u6C42\u65AF" },
      "MV": { "en": "Maldives", "zh": "\u9A6C\u5C14\u4EE3\u592B" },
      "MW": { "en": "Malawi", "zh": "\u9A6C\u62C9\u7EF4" },
      "MX": { "en": "Mexico", "zh": "\u58A8\u897F\u54E5" },
      "MY": { "en": "Malaysia", "zh": "\u9A6C\u6765\u897F\u4E9A" },
      "MZ": { "en": "Mozambique", "zh": "\u83AB\u6851\u6BD4\u514B" },
      "NA": { "en": "Namibia", "zh": "\u7EB3\u7C73\u6BD4\u4E9A" },
      "NC": { "en": "New Caledonia", "zh": "\u65B0\u5580\u91CC\u591A\u5C3C\u4E9A" },
      "NE": { "en": "Niger", "zh": "\u5C3C\u65E5\u5C14" },
      "NF": { "en": "Norfolk Island", "zh": "\u8BFA\u798F\u514B\u5C9B" },
      "NG": { "en": "Nigeria", "zh": "\u5C3C\u65E5\u5229\u4E9A" },
      "NI": { "en": "Nicaragua", "zh": "\u5C3C\u52A0\u62C9\u74DC" },
      "NL": { "en": "Netherlands", "zh": "\u8377\u5170" },
      "NO": { "en": "Norway", "zh": "\u632A\u5A01" },
      "NP": { "en": "Nepal", "zh": "\u5C3C\u6CCA\u5C14" },
      "NR": { "en": "Nauru", "zh": "\u7459\u9C81" },
      "NU": { "en": "Niue", "zh": "\u7EBD\u57C3" },
      "NZ": { "en": "New Zealand", "zh": "\u65B0\u897F\u5170" },
      "OM": { "en": "Oman", "zh": "\u963F\u66FC" },
      "PA": { "en": "Panama", "zh": "\u5DF4\u62FF\u9A6C" },
      "PE": { "en": "Peru", "zh": "\u79D8\u9C81" },
      "PF": { "en": "French Polynesia", "zh": "\u6CD5\u5C5E\u6CE2\u5229\u5C3C\u897F\u4E9A" },
      "PG": { "en": "Papua New Guinea", "zh": "\u5DF4\u5E03\u4E9A\u65B0\u51E0\u5185\u4E9A" },
      "PH": { "en": "Philippines", "zh": "\u83F2\u5F8B\u5BBE" },
      "PK": { "en": "Pakistan", "zh": "\u5DF4\u57FA\u65AF\u5766" },
      "PL": { "en": "Poland", "zh": "\u6CE2\u5170" },
      "PM": { "en": "Saint Pierre and Miquelon", "zh": "\u5723\u76AE\u57C3\u5C14\u548C\u5BC6\u514B\u9686\u7FA4\u5C9B" },
      "PN": { "en": "Pitcairn", "zh": "\u76AE\u7279\u51EF\u6069\u7FA4\u5C9B" },
      "PR": { "en": "Puerto Rico", "zh": "\u6CE2\u591A\u9ECE\u5404" },
      "PS": { "en": "Palestine, State of", "zh": "\u5DF4\u52D2\u65AF\u5766\u9886\u571F" },
      "PT": { "en": "Portugal", "zh": "\u8461\u8404\u7259" },
      "PW": { "en": "Palau", "zh": "\u5E15\u52B3" },
      "PY": { "en": "Paraguay", "zh": "\u5DF4\u62C9\u572D" },
      "QA": { "en": "Qatar", "zh": "\u5361\u5854\u5C14" },
      "RE": { "en": "R\xE9union", "zh": "\u7559\u5C3C\u6C6A" },
      "RO": { "en": "Romania", "zh": "\u7F57\u9A6C\u5C3C\u4E9A" },
      "RS": { "en": "Serbia", "zh": "\u585E\u5C14\u7EF4\u4E9A" },
      "RU": { "en": "Russian Federation", "zh": "\u4FC4\u7F57\u65AF" },
      "RW": { "en": "Rwanda", "zh": "\u5362\u65FA\u8FBE" },
      "SA": { "en": "Saudi Arabia", "zh": "\u6C99\u7279\u963F\u62C9\u4F2F" },
      "SB": { "en": "Solomon Islands", "zh": "\u6240\u7F57\u95E8\u7FA4\u5C9B" },
      "SC": { "en": "Seychelles", "zh": "\u585E\u820C\u5C14" },
      "SD": { "en": "Sudan", "zh": "\u82CF\u4E39" },
      "SE": { "en": "Sweden", "zh": "\u745E\u5178" },
      "SG": { "en": "Singapore", "zh": "\u65B0\u52A0\u5761" },
      "SH": { "en": "Saint Helena, Ascension and Tristan da Cunha", "zh": "\u5723\u8D6B\u52D2\u62FF" },
      "SI": { "en": "Slovenia", "zh": "\u65AF\u6D1B\u6587\u5C3C\u4E9A" },
      "SJ": { "en": "Svalbard and Jan Mayen", "zh": "\u65AF\u74E6\u5C14\u5DF4\u548C\u626C\u9A6C\u5EF6" },
      "SK": { "en": "Slovakia", "zh": "\u65AF\u6D1B\u4F10\u514B" },
      "SL": { "en": "Sierra Leone", "zh": "\u585E\u62C9\u5229\u6602" },
      "SM": { "en": "San Marino", "zh": "\u5723\u9A6C\u529B\u8BFA" },
      "SN": { "en": "Senegal", "zh": "\u585E\u5185\u52A0\u5C14" },
      "SO": { "en": "Somalia", "zh": "\u7D22\u9A6C\u91CC" },
      "SR": { "en": "Suriname", "zh": "\u82CF\u91CC\u5357" },
      "SS": { "en": "South Sudan", "zh": "\u5357\u82CF\u4E39" },
      "ST": { "en": "Sao Tome and Principe", "zh": "\u5723\u591A\u7F8E\u548C\u666E\u6797\u897F\u6BD4" },
      "SV": { "en": "El Salvador", "zh": "\u8428\u5C14\u74E6\u591A" },
      "SX": { "en": "Sint Maarten (Dutch part)", "zh": "\u8377\u5C5E\u5723\u9A6C\u4E01" },
      "SY": { "en": "Syrian Arab Republic", "zh": "\u53D9\u5229\u4E9A" },
      "SZ": { "en": "Swaziland", "zh": "\u65AF\u5A01\u58EB\u5170" },
      "TC": { "en": "Turks and Caicos Islands", "zh": "\u7279\u514B\u65AF\u548C\u51EF\u79D1\u65AF\u7FA4\u5C9B" },
      "TD": { "en": "Chad", "zh": "\u4E4D\u5F97" },
      "TF": { "en": "French Southern Territories", "zh": "\u6CD5\u5C5E\u5357\u90E8\u9886\u5730" },
      "TG": { "en": "Togo", "zh": "\u591A\u54E5" },
      "TH": { "en": "Thailand", "zh": "\u6CF0\u56FD" },
      "TJ": { "en": "Tajikistan", "zh": "\u5854\u5409\u514B\u65AF\u5766" },
      "TK": { "en": "Tokelau", "zh": "\u6258\u514B\u52B3" },
      "TL": { "en": "Timor-Leste", "zh": "\u4E1C\u5E1D\u6C76" },
      "TM": { "en": "Turkmenistan", "zh": "\u571F\u5E93\u66FC\u65AF\u5766" },
      "TN": { "en": "Tunisia", "zh": "\u7A81\u5C3C\u65AF" },
      "TO": { "en": "Tonga", "zh": "\u6C64\u52A0" },
      "TR": { "en": "Turkey", "zh": "\u571F\u8033\u5176" },
      "TT": { "en": "Trinidad and Tobago", "zh": "\u7279\u7ACB\u5C3C\u8FBE\u548C\u591A\u5DF4\u54E5" },
      "TV": { "en": "Tuvalu", "zh": "\u56FE\u74E6\u5362" },
      "TW": { "en": "Taiwan, Province of China", "zh": "\u4E2D\u56FD\u53F0\u6E7E" },
      "TZ": { "en": "Tanzania, United Republic of", "zh": "\u5766\u6851\u5C3C\u4E9A" },
      "UA": { "en": "Ukraine", "zh": "\u4E4C\u514B\u5170" },
      "UG": { "en": "Uganda", "zh": "\u4E4C\u5E72\u8FBE" },
      "UM": { "en": "United States Minor Outlying Islands", "zh": "\u7F8E\u56FD\u672C\u571F\u5916\u5C0F\u5C9B\u5C7F" },
      "US": { "en": "United States of America", "zh": "\u7F8E\u56FD" },
      "UY": { "en": "Uruguay", "zh": "\u4E4C\u62C9\u572D" },
      "UZ": { "en": "Uzbekistan", "zh": "\u4E4C\u5179\u522B\u514B\u65AF\u5766" },
      "VA": { "en": "Holy See", "zh": "\u68B5\u8482\u5188" },
      "VC": { "en": "Saint Vincent and the Grenadines", "zh": "\u5723\u6587\u68EE\u7279\u548C\u683C\u6797\u7EB3\u4E01\u65AF" },
      "VE": { "en": "Venezuela, Bolivarian Republic of", "zh": "\u59D4\u5185\u745E\u62C9" },
      "VG": { "en": "Virgin Islands, British", "zh": "\u82F1\u5C5E\u7EF4\u5C14\u4EAC\u7FA4\u5C9B" },
      "VI": { "en": "Virgin Islands,", "zh": "\u7F8E\u5C5E\u7EF4\u5C14\u4EAC\u7FA4\u5C9B" },
      "VN": { "en": "Viet Nam", "zh": "\u8D8A\u5357" },
      "VU": { "en": "Vanuatu", "zh": "\u74E6\u52AA\u963F\u56FE" },
      "WF": { "en": "Wallis and Futuna", "zh": "\u74E6\u5229\u65AF\u548C\u5BCC\u56FE\u7EB3" },
      "WS": { "en": "Samoa", "zh": "\u8428\u6469\u4E9A" },
      "XK": { "en": "Kosovo, Republic of", "zh": "\u79D1\u7D22\u6C83" },
      "YE": { "en": "Yemen", "zh": "\u4E5F\u95E8" },
      "YT": { "en": "Mayotte", "zh": "\u9A6C\u7EA6\u7279" },
      "ZA": { "en": "South Africa", "zh": "\u5357\u975E" },
      "ZM": { "en": "Zambia", "zh": "\u8D5E\u6BD4\u4E9A" },
      "ZW": { "en": "Zimbabwe", "zh": "\u6D25\u5DF4\u5E03\u97E6" }
    }
  }
};

// core/valuesets.ts
var VALUE_SETS = VALUE_SET_DATA;
var CLOSED_VALUE_SETS = Object.freeze(["disease", "vaccineProphylaxis", "testType", "testResult", "country"]);
function lookup(set, code) {
  const values = VALUE_SETS[set].values;
  return Object.prototype.hasOwnProperty.call(values, code) ? values[code] : void 0;
}
function label(set, code, lang = "en") {
  const e = lookup(set, code);
  if (!e) return code;
  return lang === "zh" && e.zh || e.en;
}
var COVID_19 = "840539006";
var TEST_TYPE_NAAT = "LP6464-4";
function table(rows) {
  return Object.freeze(rows.map((r) => Object.freeze({ ...r })));
}
var IGG_RESULTS = table([
  { name: "negative", code: 1, en: "Negative (non-reactive)", zh: "\u9634\u6027" },
  { name: "positive", code: 2, en: "Positive (reactive)", zh: "\u9633\u6027" },
  { name: "indeterminate", code: 3, en: "Indeterminate (borderline)", zh: "\u53EF\u7591\uFF08\u4E34\u754C\uFF09" }
]);
var IGG_METHODS = table([
  { name: "CLIA", code: 1, en: "Chemiluminescence immunoassay", zh: "\u5316\u5B66\u53D1\u5149\u514D\u75AB\u5206\u6790\u6CD5" },
  { name: "ELISA", code: 2, en: "Enzyme-linked immunosorbent assay", zh: "\u9176\u8054\u514D\u75AB\u5438\u9644\u6CD5" },
  { name: "LFIA", code: 3, en: "Lateral flow immunoassay (colloidal gold or fluorescence)", zh: "\u514D\u75AB\u5C42\u6790\u6CD5\uFF08\u80F6\u4F53\u91D1\u6216\u8367\u5149\uFF09" },
  { name: "other", code: 9, en: "Other immunoassay", zh: "\u5176\u4ED6\u514D\u75AB\u5206\u6790\u6CD5" }
]);
var IGG_UNITS = table([
  { name: "BAU/mL", code: 1, en: "BAU/mL (WHO binding antibody units)", zh: "BAU/mL\uFF08WHO \u7ED3\u5408\u6297\u4F53\u5355\u4F4D\uFF09" },
  { name: "AU/mL", code: 2, en: "AU/mL (arbitrary units)", zh: "AU/mL\uFF08\u4EFB\u610F\u5355\u4F4D\uFF09" },
  { name: "U/mL", code: 3, en: "U/mL", zh: "U/mL" },
  { name: "S/CO", code: 4, en: "S/CO (signal to cut-off ratio, also COI)", zh: "S/CO\uFF08\u6837\u672C\u4FE1\u53F7\u503C/\u4E34\u754C\u503C\uFF09" }
]);
var SEXES = table([
  { name: "X", code: 0, en: "Unspecified", zh: "\u672A\u8BF4\u660E" },
  { name: "M", code: 1, en: "Male", zh: "\u7537" },
  { name: "F", code: 2, en: "Female", zh: "\u5973" }
]);
var TRAVEL_DOCUMENT_TYPES = table([
  { name: "ordinary", code: 1, en: "Ordinary passport", zh: "\u666E\u901A\u62A4\u7167" },
  { name: "diplomatic", code: 2, en: "Diplomatic passport", zh: "\u5916\u4EA4\u62A4\u7167" },
  { name: "service", code: 3, en: "Service passport", zh: "\u516C\u52A1\u62A4\u7167" },
  { name: "public-affairs", code: 4, en: "Public affairs passport", zh: "\u516C\u52A1\u666E\u901A\u62A4\u7167" },
  { name: "travel-permit", code: 5, en: "Travel permit", zh: "\u65C5\u884C\u8BC1" }
]);
function ownByCode(t, code) {
  return t.find((r) => r.code === code);
}
function ownLabel(t, name, lang = "en") {
  const row = t.find((r) => r.name === name);
  return row ? row[lang] : name;
}

// core/ithc.ts
var ITHC_VERSION = 1;
var ITHC_LIMITS = Object.freeze({
  /** Characters in a name, issuer, testing centre or test name (the DCC's maxLength). */
  maxText: 80,
  /** Entries in each of the three record lists. */
  maxRecords: 10,
  /** Problems reported for one certificate; hostile input must not grow the report without bound. */
  maxProblems: 32
});
var Problems = class {
  list = [];
  dropped = 0;
  add(at, message) {
    if (this.list.length < ITHC_LIMITS.maxProblems) this.list.push(`${at.name || "certificate"} (key ${at.keys.join("/") || "-"}): ${message}`);
    else this.dropped++;
  }
  result() {
    return this.dropped ? [...this.list, `\u2026 and ${this.dropped} more problems`] : this.list;
  }
};
function child(at, name, key) {
  return { name: typeof name === "number" ? `${at.name}[${name}]` : at.name ? `${at.name}.${name}` : name, keys: [...at.keys, key] };
}
function describe(v) {
  if (v === null) return "null";
  if (v === void 0) return "undefined";
  if (typeof v === "number") return Number.isInteger(v) ? `integer ${v}` : `float ${v}`;
  if (typeof v === "bigint") return `the out-of-range integer ${v}`;
  if (typeof v === "string") return `text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "\u2026" : v)}`;
  if (typeof v === "boolean") return String(v);
  if (v instanceof Uint8Array) return `a byte string of ${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof Map) return "a map";
  if (v instanceof Tag) return `tag ${v.tag}`;
  if (v instanceof Date) return "a date/time tag";
  return typeof v;
}
var CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
function textKind(opts = {}) {
  const validate = (s) => {
    const n = [...s].length;
    if (n === 0) return "must not be empty";
    if (n > ITHC_LIMITS.maxText) return `is ${n} characters long; at most ${ITHC_LIMITS.maxText} are allowed`;
    if (CONTROL.test(s)) return "contains a control character";
    if (opts.pattern && !opts.pattern.test(s)) return `${JSON.stringify(s)} is not ${opts.hint}`;
    return opts.check?.(s);
  };
  return {
    encode(v, name) {
      if (typeof v !== "string") throw new TypeError(`${name} must be a string`);
      return v;
    },
    decode(v, at, p) {
      if (typeof v !== "string") return void p.add(at, `expected a text string, got ${describe(v)}`);
      const why = validate(v);
      if (why) return void p.add(at, why);
      return v;
    }
  };
}
function dccCode(set, form = /^[A-Za-z0-9][A-Za-z0-9 ./()_-]{0,79}$/) {
  const closed = CLOSED_VALUE_SETS.includes(set);
  return {
    encode(v, name) {
      if (typeof v !== "string") throw new TypeError(`${name} must be a string`);
      return v;
    },
    decode(v, at, p) {
      if (typeof v !== "string") return void p.add(at, `expected a code (text) from the DCC value set ${set}, got ${describe(v)}`);
      if (closed && !lookup(set, v)) return void p.add(at, `${JSON.stringify(v)} is not a code of the DCC value set ${set}`);
      if (!closed && !form.test(v)) return void p.add(at, `${JSON.stringify(v)} is not a well-formed code for the DCC value set ${set}`);
      return v;
    }
  };
}
function ownCode(table2, what) {
  return {
    encode(v, name) {
      const row = table2.find((r) => r.name === v);
      if (!row) throw new TypeError(`${name} must be one of ${table2.map((r) => r.name).join(", ")}`);
      return row.code;
    },
    decode(v, at, p) {
      if (typeof v !== "number" || !Number.isInteger(v)) return void p.add(at, `expected an integer ${what} code, got ${describe(v)}`);
      const row = ownByCode(table2, v);
      if (!row) return void p.add(at, `${v} is not a known ${what} code (known: ${table2.map((r) => `${r.code} ${r.name}`).join(", ")})`);
      return row.name;
    }
  };
}
function uintKind(min, max2, what) {
  return {
    encode(v, name) {
      if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new TypeError(`${name} must be an integer`);
      return v;
    },
    decode(v, at, p) {
      if (typeof v !== "number" || !Number.isInteger(v)) return void p.add(at, `expected an integer ${what}, got ${describe(v)}`);
      if (v < min || v > max2) return void p.add(at, `${what} ${v} is outside ${min}\u2013${max2}`);
      return v;
    }
  };
}
var TIME_MIN = 946684800;
var TIME_MAX = 4102444800;
var timeKind = {
  encode(v, name) {
    if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new TypeError(`${name} must be whole seconds since the epoch`);
    return v;
  },
  decode(v, at, p) {
    if (typeof v !== "number" || !Number.isInteger(v)) return void p.add(at, `expected whole seconds since 1970-01-01T00:00:00Z, got ${describe(v)}`);
    if (v < TIME_MIN || v >= TIME_MAX) return void p.add(at, `${v} is not between 2000-01-01 and 2099-12-31`);
    return v;
  }
};
function checkDate(s, partial) {
  const m = /^((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?$/.exec(s);
  if (!m) return `${JSON.stringify(s)} is not a date ${partial ? "YYYY-MM-DD, YYYY-MM or YYYY" : "YYYY-MM-DD"} between 1900 and 2099`;
  if (!partial && m[3] === void 0) return `${JSON.stringify(s)} is not a full date YYYY-MM-DD`;
  if (m[2] !== void 0) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return `${JSON.stringify(s)} has no month ${m[2]}`;
    if (m[3] !== void 0) {
      const day = Number(m[3]);
      const last = new Date(Date.UTC(Number(m[1]), month, 0)).getUTCDate();
      if (day < 1 || day > last) return `${JSON.stringify(s)} is not a calendar date`;
    }
  }
  return void 0;
}
function dateKind(partial) {
  return textKind({ check: (s) => checkDate(s, partial) });
}
var DAY_MS = 864e5;
var DAY_MIN = Date.UTC(1900, 0, 1) / DAY_MS;
var DAY_MAX = Date.UTC(2099, 11, 31) / DAY_MS;
var dayKind = {
  encode(v, name) {
    const why = typeof v === "string" ? checkDate(v, false) : "is not a string";
    if (why) throw new TypeError(`${name} ${why}`);
    const s = v;
    return Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))) / DAY_MS;
  },
  decode(v, at, p) {
    if (typeof v !== "number" || !Number.isInteger(v)) return void p.add(at, `expected a date as whole days since 1970-01-01, got ${describe(v)}`);
    if (v < DAY_MIN || v > DAY_MAX) return void p.add(at, `day ${v} is not between 1900-01-01 and 2099-12-31`);
    return new Date(v * DAY_MS).toISOString().slice(0, 10);
  }
};
var DECIMAL = /^(0|[1-9]\d{0,8})(\.\d{1,6})?$/;
var req = (key, name, kind, more = {}) => ({ key, name, kind, required: true, ...more });
var opt = (key, name, kind) => ({ key, name, kind, required: false });
function mapKind(fields, what) {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  return {
    encode(v, name, ctx) {
      if (v === null || typeof v !== "object") throw new TypeError(`${name} must be an object`);
      const o = v;
      const m = /* @__PURE__ */ new Map();
      for (const f of fields) {
        const x2 = o[f.name];
        if (x2 === void 0) {
          if (f.required) throw new TypeError(`${name}.${f.name} is required`);
          continue;
        }
        if (f.provides && typeof x2 === "string") ctx[f.provides] = x2;
        if (x2 === f.default || f.inherits && x2 === ctx[f.inherits]) continue;
        m.set(f.key, f.kind.encode(x2, `${name}.${f.name}`, ctx));
      }
      return m;
    },
    decode(v, at, p, ctx) {
      if (!(v instanceof Map)) return void p.add(at, `expected ${what} as a map, got ${describe(v)}`);
      for (const k of v.keys()) {
        if (typeof k !== "number" || !Number.isInteger(k)) p.add(at, `unexpected key ${describe(k)} (keys are integers)`);
        else if (k >= 0 && !byKey.has(k)) p.add(at, `unknown key ${k} in ${what} (ITHC version ${ITHC_VERSION})`);
      }
      const out = {};
      let ok = true;
      for (const f of fields) {
        const x2 = v.get(f.key);
        const fat = child(at, f.name, f.key);
        if (x2 === void 0) {
          const fallback = f.default ?? (f.inherits ? ctx[f.inherits] : void 0);
          if (fallback !== void 0) out[f.name] = fallback;
          else if (f.required) {
            if (!f.inherits) p.add(fat, "is missing");
            ok = false;
          }
          continue;
        }
        const r = f.kind.decode(x2, fat, p, ctx);
        if (r === void 0) ok = false;
        else {
          out[f.name] = r;
          if (f.provides) ctx[f.provides] = r;
        }
      }
      return ok ? out : void 0;
    }
  };
}
function listKind(item, what) {
  return {
    encode(v, name, ctx) {
      if (!Array.isArray(v)) throw new TypeError(`${name} must be an array`);
      return v.map((x2, i2) => item.encode(x2, `${name}[${i2}]`, ctx));
    },
    decode(v, at, p, ctx) {
      if (!Array.isArray(v)) return void p.add(at, `expected an array of ${what}, got ${describe(v)}`);
      if (v.length > ITHC_LIMITS.maxRecords) return void p.add(at, `holds ${v.length} ${what}; at most ${ITHC_LIMITS.maxRecords} are allowed`);
      const out = [];
      let ok = true;
      v.forEach((x2, i2) => {
        const r = item.decode(x2, child(at, i2, i2), p, ctx);
        if (r === void 0) ok = false;
        else out.push(r);
      });
      return ok ? out : void 0;
    }
  };
}
var ICAO_NAME = /^[A-Z<]+$/;
var UVCI = /^URN:UVCI:01:[A-Z]{2}:[A-Z0-9/]{1,50}#[A-Z0-9/:]$/;
var HOLDER_FIELDS = [
  opt(1, "surname", textKind()),
  opt(2, "givenName", textKind()),
  opt(3, "surnameLatin", textKind({ pattern: ICAO_NAME, hint: "an ICAO 9303 transliteration (A-Z and <)" })),
  opt(4, "givenNameLatin", textKind({ pattern: ICAO_NAME, hint: "an ICAO 9303 transliteration (A-Z and <)" })),
  req(5, "dateOfBirth", dateKind(true)),
  req(6, "sex", ownCode(SEXES, "sex")),
  req(7, "nationality", dccCode("country")),
  req(8, "documentType", ownCode(TRAVEL_DOCUMENT_TYPES, "travel document type")),
  req(9, "documentNumber", textKind({ pattern: /^[A-Z0-9]{5,20}$/, hint: "a document number (5 to 20 of A-Z, 0-9)" }))
];
var TEST_FIELDS = [
  req(1, "disease", dccCode("disease"), { default: COVID_19 }),
  req(2, "testType", dccCode("testType"), { default: TEST_TYPE_NAAT }),
  opt(3, "testName", textKind()),
  opt(4, "device", dccCode("testManufacturer", /^[0-9]{1,20}$/)),
  req(5, "sampleTime", timeKind),
  req(6, "result", dccCode("testResult")),
  req(7, "testingCentre", textKind()),
  req(8, "country", dccCode("country")),
  req(9, "issuer", textKind(), { inherits: "issuer" })
];
var ANTIBODY_FIELDS = [
  req(1, "disease", dccCode("disease"), { default: COVID_19 }),
  req(2, "method", ownCode(IGG_METHODS, "IgG method")),
  opt(3, "testName", textKind()),
  opt(4, "manufacturer", textKind()),
  req(5, "sampleTime", timeKind),
  req(6, "result", ownCode(IGG_RESULTS, "IgG result")),
  req(7, "testingCentre", textKind()),
  req(8, "country", dccCode("country")),
  req(9, "issuer", textKind(), { inherits: "issuer" }),
  opt(10, "value", textKind({ pattern: DECIMAL, hint: "a decimal like 12.5 (up to 9 integer and 6 fraction digits)" })),
  opt(11, "unit", ownCode(IGG_UNITS, "IgG unit"))
];
var VACCINATION_FIELDS = [
  req(1, "disease", dccCode("disease"), { default: COVID_19 }),
  req(2, "prophylaxis", dccCode("vaccineProphylaxis")),
  req(3, "product", dccCode("vaccineProduct")),
  req(4, "manufacturer", dccCode("vaccineManufacturer")),
  req(5, "doseNumber", uintKind(1, 9, "dose number")),
  req(6, "totalDoses", uintKind(1, 9, "total doses")),
  req(7, "date", dayKind),
  req(8, "country", dccCode("country")),
  req(9, "issuer", textKind(), { inherits: "issuer" })
];
var CERTIFICATE_FIELDS = [
  req(0, "version", uintKind(ITHC_VERSION, ITHC_VERSION, "version")),
  req(1, "id", textKind({ pattern: UVCI, hint: "a UVCI URN:UVCI:01:CC:...#C", check: (s) => uvciChecksumValid(s) ? void 0 : `${JSON.stringify(s)} has a wrong UVCI checksum character` })),
  req(2, "issuer", textKind(), { provides: "issuer" }),
  req(3, "holder", mapKind(HOLDER_FIELDS, "the holder")),
  opt(4, "tests", listKind(mapKind(TEST_FIELDS, "a test"), "tests")),
  opt(5, "antibodyTests", listKind(mapKind(ANTIBODY_FIELDS, "an antibody test"), "antibody tests")),
  opt(6, "vaccinations", listKind(mapKind(VACCINATION_FIELDS, "a vaccination"), "vaccinations"))
];
var ITHC_KEYS = Object.freeze({
  certificate: keysOf(CERTIFICATE_FIELDS),
  holder: keysOf(HOLDER_FIELDS),
  test: keysOf(TEST_FIELDS),
  antibodyTest: keysOf(ANTIBODY_FIELDS),
  vaccination: keysOf(VACCINATION_FIELDS)
});
function keysOf(fields) {
  return Object.freeze(Object.fromEntries(fields.map((f) => [f.name, f.key])));
}
var certificateKind = mapKind(CERTIFICATE_FIELDS, "the ITHC certificate");
function readIthc(value) {
  const p = new Problems();
  const root = { name: "", keys: [] };
  if (value instanceof Map) {
    const ver = value.get(ITHC_KEYS.certificate.version);
    if (typeof ver === "number" && Number.isInteger(ver) && ver !== ITHC_VERSION) {
      p.add(child(root, "version", ITHC_KEYS.certificate.version), `ITHC format version ${ver} is not supported; this verifier reads version ${ITHC_VERSION}`);
      return { problems: p.result() };
    }
  }
  const raw = certificateKind.decode(value, root, p, {});
  if (value instanceof Map) crossChecks(value, p);
  const problems = p.result();
  if (!raw || problems.length) return { problems };
  const tests = raw.tests ?? [];
  const antibodyTests = raw.antibodyTests ?? [];
  const vaccinations = raw.vaccinations ?? [];
  const certificate = {
    version: raw.version,
    id: raw.id,
    issuer: raw.issuer,
    holder: raw.holder,
    tests,
    antibodyTests,
    vaccinations,
    recordTypes: recordTypes(tests.length + antibodyTests.length, vaccinations.length)
  };
  return { certificate, problems };
}
function recordTypes(testCount, vaccinationCount) {
  const t = [];
  if (testCount) t.push("t");
  if (vaccinationCount) t.push("v");
  return t;
}
function crossChecks(m, p) {
  const C = ITHC_KEYS.certificate;
  const H = ITHC_KEYS.holder;
  const A = ITHC_KEYS.antibodyTest;
  const root = { name: "", keys: [] };
  const holder = m.get(C.holder);
  if (holder instanceof Map) {
    const at = child(root, "holder", C.holder);
    if (!holder.has(H.surname) && !holder.has(H.givenName)) p.add(at, `needs a surname or a given name in Chinese characters (key ${H.surname} or ${H.givenName})`);
    if (!holder.has(H.surnameLatin) && !holder.has(H.givenNameLatin)) p.add(at, `needs a transliterated surname or given name (key ${H.surnameLatin} or ${H.givenNameLatin})`);
  }
  let records = 0;
  for (const key of [C.tests, C.antibodyTests, C.vaccinations]) {
    const list = m.get(key);
    if (Array.isArray(list)) records += list.length;
  }
  if (records === 0) p.add(root, "carries no test, antibody test or vaccination; a certificate needs at least one record");
  const antibody = m.get(C.antibodyTests);
  if (Array.isArray(antibody) && antibody.length <= ITHC_LIMITS.maxRecords) {
    antibody.forEach((a, i2) => {
      if (!(a instanceof Map)) return;
      const at = child(child(root, "antibodyTests", C.antibodyTests), i2, i2);
      if (a.has(A.value) && !a.has(A.unit)) p.add(at, `has a quantitative value (key ${A.value}) without its unit (key ${A.unit})`);
      if (a.has(A.unit) && !a.has(A.value)) p.add(at, `has a unit (key ${A.unit}) without a quantitative value (key ${A.value})`);
    });
  }
}
var UVCI_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:";
function uvciCheckCharacter(body) {
  let factor = 2;
  let sum = 0;
  const n = UVCI_CHARSET.length;
  for (let i2 = body.length - 1; i2 >= 0; i2--) {
    const cp = UVCI_CHARSET.indexOf(body[i2]);
    if (cp < 0) throw new TypeError(`UVCI character ${JSON.stringify(body[i2])} is outside A-Z 0-9 / :`);
    let addend = factor * cp;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + addend % n;
    sum += addend;
  }
  return UVCI_CHARSET[(n - sum % n) % n];
}
function uvciChecksumValid(uvci) {
  const i2 = uvci.lastIndexOf("#");
  if (i2 < 0 || i2 !== uvci.length - 2) return false;
  try {
    return uvciCheckCharacter(uvci.slice(0, i2)) === uvci[i2 + 1];
  } catch {
    return false;
  }
}

// core/prefix.ts
var PREFIXES = Object.freeze({
  dcc: "HC1:",
  ithc: "ITHC1:",
  sealed: "ITHCS1:"
});
var BY_PREFIX = Object.entries(PREFIXES).map(([f, p]) => [p, f]).sort((a, b) => b[0].length - a[0].length);
function splitPrefix(code) {
  for (const [p, format] of BY_PREFIX) {
    if (code.startsWith(p)) return { format, prefix: p, body: code.slice(p.length) };
  }
  const seen = /^[A-Z0-9]{1,8}:/.exec(code)?.[0];
  throw new IthcError(
    "PREFIX_UNKNOWN",
    seen ? `prefix ${JSON.stringify(seen)} is not a known certificate type (expected HC1:, ITHC1: or ITHCS1:)` : "no certificate prefix (expected HC1:, ITHC1: or ITHCS1:); this is not a health certificate code"
  );
}

// node_modules/fflate/esm/index.mjs
var import_module2 = require("module");
var require2 = (0, import_module2.createRequire)("/");
var _a;
var Worker;
var isMarkedAsUntransferable;
try {
  _a = require2("worker_threads"), Worker = _a.Worker, isMarkedAsUntransferable = _a.isMarkedAsUntransferable;
} catch (e) {
}
var u8 = Uint8Array;
var u16 = Uint16Array;
var i32 = Int32Array;
var fleb = new u8([
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
  1,
  1,
  1,
  2,
  2,
  2,
  2,
  3,
  3,
  3,
  3,
  4,
  4,
  4,
  4,
  5,
  5,
  5,
  5,
  0,
  /* unused */
  0,
  0,
  /* impossible */
  0
]);
var fdeb = new u8([
  0,
  0,
  0,
  0,
  1,
  1,
  2,
  2,
  3,
  3,
  4,
  4,
  5,
  5,
  6,
  6,
  7,
  7,
  8,
  8,
  9,
  9,
  10,
  10,
  11,
  11,
  12,
  12,
  13,
  13,
  /* unused */
  0,
  0
]);
var clim = new u8([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);
var freb = function(eb, start) {
  var b = new u16(31);
  for (var i2 = 0; i2 < 31; ++i2) {
    b[i2] = start += 1 << eb[i2 - 1];
  }
  var r = new i32(b[30]);
  for (var i2 = 1; i2 < 30; ++i2) {
    for (var j = b[i2]; j < b[i2 + 1]; ++j) {
      r[j] = j - b[i2] << 5 | i2;
    }
  }
  return { b, r };
};
var _a = freb(fleb, 2);
var fl = _a.b;
var revfl = _a.r;
fl[28] = 258, revfl[258] = 28;
var _b = freb(fdeb, 0);
var fd = _b.b;
var revfd = _b.r;
var rev = new u16(32768);
for (i = 0; i < 32768; ++i) {
  x = (i & 43690) >> 1 | (i & 21845) << 1;
  x = (x & 52428) >> 2 | (x & 13107) << 2;
  x = (x & 61680) >> 4 | (x & 3855) << 4;
  rev[i] = ((x & 65280) >> 8 | (x & 255) << 8) >> 1;
}
var x;
var i;
var hMap = (function(cd, mb, r) {
  var s = cd.length;
  var i2 = 0;
  var l = new u16(mb);
  for (; i2 < s; ++i2) {
    if (cd[i2])
      ++l[cd[i2] - 1];
  }
  var le = new u16(mb);
  for (i2 = 1; i2 < mb; ++i2) {
    le[i2] = le[i2 - 1] + l[i2 - 1] << 1;
  }
  var co;
  if (r) {
    co = new u16(1 << mb);
    var rvb = 15 - mb;
    for (i2 = 0; i2 < s; ++i2) {
      if (cd[i2]) {
        var sv = i2 << 4 | cd[i2];
        var r_1 = mb - cd[i2];
        var v = le[cd[i2] - 1]++ << r_1;
        for (var m = v | (1 << r_1) - 1; v <= m; ++v) {
          co[rev[v] >> rvb] = sv;
        }
      }
    }
  } else {
    co = new u16(s);
    for (i2 = 0; i2 < s; ++i2) {
      if (cd[i2]) {
        co[i2] = rev[le[cd[i2] - 1]++] >> 15 - cd[i2];
      }
    }
  }
  return co;
});
var flt = new u8(288);
for (i = 0; i < 144; ++i)
  flt[i] = 8;
var i;
for (i = 144; i < 256; ++i)
  flt[i] = 9;
var i;
for (i = 256; i < 280; ++i)
  flt[i] = 7;
var i;
for (i = 280; i < 288; ++i)
  flt[i] = 8;
var i;
var fdt = new u8(32);
for (i = 0; i < 32; ++i)
  fdt[i] = 5;
var i;
var flrm = /* @__PURE__ */ hMap(flt, 9, 1);
var fdrm = /* @__PURE__ */ hMap(fdt, 5, 1);
var max = function(a) {
  var m = a[0];
  for (var i2 = 1; i2 < a.length; ++i2) {
    if (a[i2] > m)
      m = a[i2];
  }
  return m;
};
var bits = function(d, p, m) {
  var o = p / 8 | 0;
  return (d[o] | d[o + 1] << 8) >> (p & 7) & m;
};
var bits16 = function(d, p) {
  var o = p / 8 | 0;
  return (d[o] | d[o + 1] << 8 | d[o + 2] << 16) >> (p & 7);
};
var shft = function(p) {
  return (p + 7) / 8 | 0;
};
var slc = function(v, s, e) {
  if (s == null || s < 0)
    s = 0;
  if (e == null || e > v.length)
    e = v.length;
  return new u8(v.subarray(s, e));
};
var ec = [
  "unexpected EOF",
  "invalid block type",
  "invalid length/literal",
  "invalid distance",
  "stream finished",
  "no stream handler",
  ,
  // determined by compression function
  "no callback",
  "invalid UTF-8 data",
  "extra field too long",
  "date not in range 1980-2099",
  "filename too long",
  "stream finishing",
  "invalid zip data"
  // determined by unknown compression method
];
var err = function(ind, msg, nt) {
  var e = new Error(msg || ec[ind]);
  e.code = ind;
  if (Error.captureStackTrace)
    Error.captureStackTrace(e, err);
  if (!nt)
    throw e;
  return e;
};
var inflt = function(dat, st, buf, dict) {
  var sl = dat.length, dl = dict ? dict.length : 0;
  if (!sl || st.f && !st.l)
    return buf || new u8(0);
  var noBuf = !buf;
  var resize = noBuf || st.i != 2;
  var noSt = st.i;
  if (noBuf)
    buf = new u8(sl * 3);
  var cbuf = function(l2) {
    var bl = buf.length;
    if (l2 > bl) {
      var nbuf = new u8(Math.max(bl * 2, l2));
      nbuf.set(buf);
      buf = nbuf;
    }
  };
  var final = st.f || 0, pos = st.p || 0, bt = st.b || 0, lm = st.l, dm = st.d, lbt = st.m, dbt = st.n;
  var tbts = sl * 8;
  do {
    if (!lm) {
      final = bits(dat, pos, 1);
      var type = bits(dat, pos + 1, 3);
      pos += 3;
      if (!type) {
        var s = shft(pos) + 4, l = dat[s - 4] | dat[s - 3] << 8, t = s + l;
        if (t > sl) {
          if (noSt)
            err(0);
          break;
        }
        if (resize)
          cbuf(bt + l);
        buf.set(dat.subarray(s, t), bt);
        st.b = bt += l, st.p = pos = t * 8, st.f = final;
        continue;
      } else if (type == 1)
        lm = flrm, dm = fdrm, lbt = 9, dbt = 5;
      else if (type == 2) {
        var hLit = bits(dat, pos, 31) + 257, hcLen = bits(dat, pos + 10, 15) + 4;
        var tl = hLit + bits(dat, pos + 5, 31) + 1;
        pos += 14;
        var ldt = new u8(tl);
        var clt = new u8(19);
        for (var i2 = 0; i2 < hcLen; ++i2) {
          clt[clim[i2]] = bits(dat, pos + i2 * 3, 7);
        }
        pos += hcLen * 3;
        var clb = max(clt), clbmsk = (1 << clb) - 1;
        var clm = hMap(clt, clb, 1);
        for (var i2 = 0; i2 < tl; ) {
          var r = clm[bits(dat, pos, clbmsk)];
          pos += r & 15;
          var s = r >> 4;
          if (s < 16) {
            ldt[i2++] = s;
          } else {
            var c = 0, n = 0;
            if (s == 16)
              n = 3 + bits(dat, pos, 3), pos += 2, c = ldt[i2 - 1];
            else if (s == 17)
              n = 3 + bits(dat, pos, 7), pos += 3;
            else if (s == 18)
              n = 11 + bits(dat, pos, 127), pos += 7;
            while (n--)
              ldt[i2++] = c;
          }
        }
        var lt = ldt.subarray(0, hLit), dt = ldt.subarray(hLit);
        lbt = max(lt);
        dbt = max(dt);
        lm = hMap(lt, lbt, 1);
        dm = hMap(dt, dbt, 1);
      } else
        err(1);
      if (pos > tbts) {
        if (noSt)
          err(0);
        break;
      }
    }
    if (resize)
      cbuf(bt + 131072);
    var lms = (1 << lbt) - 1, dms = (1 << dbt) - 1;
    var lpos = pos;
    for (; ; lpos = pos) {
      var c = lm[bits16(dat, pos) & lms], sym = c >> 4;
      pos += c & 15;
      if (pos > tbts) {
        if (noSt)
          err(0);
        break;
      }
      if (!c)
        err(2);
      if (sym < 256)
        buf[bt++] = sym;
      else if (sym == 256) {
        lpos = pos, lm = null;
        break;
      } else {
        var add = sym - 254;
        if (sym > 264) {
          var i2 = sym - 257, b = fleb[i2];
          add = bits(dat, pos, (1 << b) - 1) + fl[i2];
          pos += b;
        }
        var d = dm[bits16(dat, pos) & dms], dsym = d >> 4;
        if (!d)
          err(3);
        pos += d & 15;
        var dt = fd[dsym];
        if (dsym > 3) {
          var b = fdeb[dsym];
          dt += bits16(dat, pos) & (1 << b) - 1, pos += b;
        }
        if (pos > tbts) {
          if (noSt)
            err(0);
          break;
        }
        if (resize)
          cbuf(bt + 131072);
        var end = bt + add;
        if (bt < dt) {
          var shift = dl - dt, dend = Math.min(dt, end);
          if (shift + bt < 0)
            err(3);
          for (; bt < dend; ++bt)
            buf[bt] = dict[shift + bt];
        }
        for (; bt < end; ++bt)
          buf[bt] = buf[bt - dt];
      }
    }
    st.l = lm, st.p = lpos, st.b = bt, st.f = final;
    if (lm)
      final = 1, st.m = lbt, st.d = dm, st.n = dbt;
  } while (!final);
  return bt != buf.length && noBuf ? slc(buf, 0, bt) : buf.subarray(0, bt);
};
var et = /* @__PURE__ */ new u8(0);
var zls = function(d, dict) {
  if ((d[0] & 15) != 8 || d[0] >> 4 > 7 || (d[0] << 8 | d[1]) % 31)
    err(6, "invalid zlib data");
  if ((d[1] >> 5 & 1) == +!dict)
    err(6, "invalid zlib data: " + (d[1] & 32 ? "need" : "unexpected") + " dictionary");
  return (d[1] >> 3 & 4) + 2;
};
var Inflate = /* @__PURE__ */ (function() {
  function Inflate2(opts, cb) {
    if (typeof opts == "function")
      cb = opts, opts = {};
    this.ondata = cb;
    var dict = opts && opts.dictionary && opts.dictionary.subarray(-32768);
    this.s = { i: 0, b: dict ? dict.length : 0 };
    this.o = new u8(32768);
    this.p = new u8(0);
    if (dict)
      this.o.set(dict);
  }
  Inflate2.prototype.e = function(c) {
    if (!this.ondata)
      err(5);
    if (this.d)
      err(4);
    if (!this.p.length)
      this.p = c;
    else if (c.length) {
      var n = new u8(this.p.length + c.length);
      n.set(this.p), n.set(c, this.p.length), this.p = n;
    }
  };
  Inflate2.prototype.c = function(final) {
    this.s.i = +(this.d = final || false);
    var bts = this.s.b;
    var dt = inflt(this.p, this.s, this.o);
    this.ondata(slc(dt, bts, this.s.b), this.d);
    this.o = slc(dt, this.s.b - 32768), this.s.b = this.o.length;
    this.p = slc(this.p, this.s.p / 8 | 0), this.s.p &= 7;
  };
  Inflate2.prototype.push = function(chunk, final) {
    this.e(chunk), this.c(final);
  };
  return Inflate2;
})();
var Unzlib = /* @__PURE__ */ (function() {
  function Unzlib2(opts, cb) {
    Inflate.call(this, opts, cb);
    this.v = opts && opts.dictionary ? 2 : 1;
  }
  Unzlib2.prototype.push = function(chunk, final) {
    Inflate.prototype.e.call(this, chunk);
    if (this.v) {
      if (this.p.length < 6 && !final)
        return;
      this.p = this.p.subarray(zls(this.p, this.v - 1)), this.v = 0;
    }
    if (final) {
      if (this.p.length < 4)
        err(6, "invalid zlib data");
      this.p = this.p.subarray(0, -4);
    }
    Inflate.prototype.c.call(this, final);
  };
  return Unzlib2;
})();
function unzlibSync(data, opts) {
  return inflt(data.subarray(zls(data, opts && opts.dictionary), -4), { i: 2 }, opts && opts.out, opts && opts.dictionary);
}
var td = typeof TextDecoder != "undefined" && /* @__PURE__ */ new TextDecoder();
var tds = 0;
try {
  td.decode(et, { stream: true });
  tds = 1;
} catch (e) {
}

// core/zlib.ts
function isZlib(b) {
  return b.length >= 2 && (b[0] & 15) === 8 && b[0] >> 4 <= 7 && (b[0] << 8 | b[1]) % 31 === 0;
}
var ONE_SHOT_MAX_INPUT = 1024;
var scratch = new Uint8Array(0);
function inflate(data, maxBytes) {
  if (!isZlib(data)) throw new IthcError("ZLIB_INVALID", "data is not a zlib stream (bad header)");
  if (data.length < 8) throw new IthcError("ZLIB_INVALID", "zlib stream is truncated");
  const out = data.length <= ONE_SHOT_MAX_INPUT ? inflateOneShot(data, maxBytes) : inflateStreaming(data, maxBytes);
  const n = data.length;
  const trailer = (data[n - 4] << 24 | data[n - 3] << 16 | data[n - 2] << 8 | data[n - 1]) >>> 0;
  if (trailer !== adler32(out)) throw new IthcError("ZLIB_INVALID", "zlib checksum mismatch");
  return out;
}
function inflateOneShot(data, maxBytes) {
  if (scratch.length !== maxBytes + 1) scratch = new Uint8Array(maxBytes + 1);
  let out;
  try {
    out = unzlibSync(data, { out: scratch });
  } catch (e) {
    if (e?.name === "RangeError") throw new IthcError("SIZE_LIMIT", `inflated data exceeds ${maxBytes} bytes`);
    throw new IthcError("ZLIB_INVALID", `corrupt zlib stream (${e instanceof Error ? e.message : String(e)})`);
  }
  if (out.length > maxBytes) throw new IthcError("SIZE_LIMIT", `inflated data exceeds ${maxBytes} bytes`);
  return out.slice();
}
function inflateStreaming(data, maxBytes) {
  const chunks = [];
  let total = 0;
  let ended = false;
  const inf = new Unzlib((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) throw new IthcError("SIZE_LIMIT", `inflated data exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    const step = 256;
    for (let i2 = 0; i2 < data.length; i2 += step) inf.push(data.subarray(i2, Math.min(data.length, i2 + step)), i2 + step >= data.length);
  } catch (e) {
    if (e instanceof IthcError) throw e;
    throw new IthcError("ZLIB_INVALID", `corrupt zlib stream (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!ended) throw new IthcError("ZLIB_INVALID", "zlib stream is truncated");
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
function adler32(b) {
  let a = 1, s = 0;
  for (let i2 = 0; i2 < b.length; ) {
    const end = Math.min(b.length, i2 + 5552);
    for (; i2 < end; i2++) {
      a += b[i2];
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return (s << 16 | a) >>> 0;
}

// core/hcert.ts
function decodeStages(code, limitsIn) {
  const limits = withLimits(limitsIn);
  const st = { code };
  try {
    if (typeof code !== "string") throw new TypeError("code must be a string");
    if (code.length > limits.maxCodeLength) throw new IthcError("SIZE_LIMIT", `code is ${code.length} characters; at most ${limits.maxCodeLength} are accepted`);
    const { format, prefix, body } = splitPrefix(code);
    st.format = format;
    st.prefix = prefix;
    st.base45 = body;
    const compressed = decodeBase45(body);
    st.compressed = compressed;
    st.cose = inflate(compressed, limits.maxInflatedBytes);
    if (format === "sealed") return st;
    st.sign1 = parseCoseSign1(st.cose, limits);
    st.claims = parseClaims(st.sign1.payload, limits);
  } catch (e) {
    if (e instanceof TypeError && typeof code !== "string") throw e;
    st.error = e instanceof IthcError ? e : new IthcError("CBOR_INVALID", `malformed input (${e instanceof Error ? e.message : String(e)})`);
  }
  return st;
}

// server/pdf/fonts.ts
var import_node_fs = require("node:fs");
var import_node_path = require("node:path");
var fontkit = __toESM(require("fontkit"));
var FILES = Object.freeze({
  regular: "400Regular/NotoSansSC_400Regular.ttf",
  bold: "700Bold/NotoSansSC_700Bold.ttf"
});
var PACKAGE = "@expo-google-fonts/noto-sans-sc";
var cache = /* @__PURE__ */ new Map();
function candidates(weight) {
  const file = FILES[weight];
  const base = file.split("/")[1];
  const out = [];
  if (process.env.ITHC_PDF_FONT_DIR) out.push((0, import_node_path.join)(process.env.ITHC_PDF_FONT_DIR, base));
  out.push((0, import_node_path.join)(__dirname, "fonts", base));
  try {
    out.push((0, import_node_path.join)((0, import_node_path.dirname)(require.resolve(`${PACKAGE}/package.json`)), file));
  } catch {
  }
  return out;
}
function fontBytes(weight) {
  let bytes = cache.get(weight);
  if (!bytes) {
    const found = candidates(weight).find((p) => (0, import_node_fs.existsSync)(p));
    if (!found) throw new Error(`font ${FILES[weight]} not found: install ${PACKAGE} or set ITHC_PDF_FONT_DIR`);
    bytes = new Uint8Array((0, import_node_fs.readFileSync)(found));
    cache.set(weight, bytes);
  }
  return bytes;
}
var fontkitForPdfLib = {
  create(buffer, postscriptName) {
    const font = fontkit.create(buffer, postscriptName);
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => {
      const subset = createSubset();
      subset.encodeStream = () => {
        const listeners = {};
        const emitter = {
          on(event, fn) {
            listeners[event] = fn;
            return emitter;
          }
        };
        setImmediate(() => {
          let bytes;
          try {
            bytes = subset.encode();
          } catch (e) {
            listeners.error?.(e);
            return;
          }
          listeners.data?.(bytes);
          listeners.end?.();
        });
        return emitter;
      };
      return subset;
    };
    return font;
  }
};

// server/pdf/qr-vector.ts
var import_pdf_lib = require("pdf-lib");

// node_modules/qrcode-generator/dist/qrcode.mjs
var qrcode = function(typeNumber, errorCorrectionLevel) {
  const PAD0 = 236;
  const PAD1 = 17;
  let _typeNumber = typeNumber;
  const _errorCorrectionLevel = QRErrorCorrectionLevel[errorCorrectionLevel];
  let _modules = null;
  let _moduleCount = 0;
  let _dataCache = null;
  const _dataList = [];
  const _this = {};
  const makeImpl = function(test, maskPattern) {
    _moduleCount = _typeNumber * 4 + 17;
    _modules = (function(moduleCount) {
      const modules = new Array(moduleCount);
      for (let row = 0; row < moduleCount; row += 1) {
        modules[row] = new Array(moduleCount);
        for (let col = 0; col < moduleCount; col += 1) {
          modules[row][col] = null;
        }
      }
      return modules;
    })(_moduleCount);
    setupPositionProbePattern(0, 0);
    setupPositionProbePattern(_moduleCount - 7, 0);
    setupPositionProbePattern(0, _moduleCount - 7);
    setupPositionAdjustPattern();
    setupTimingPattern();
    setupTypeInfo(test, maskPattern);
    if (_typeNumber >= 7) {
      setupTypeNumber(test);
    }
    if (_dataCache == null) {
      _dataCache = createData(_typeNumber, _errorCorrectionLevel, _dataList);
    }
    mapData(_dataCache, maskPattern);
  };
  const setupPositionProbePattern = function(row, col) {
    for (let r = -1; r <= 7; r += 1) {
      if (row + r <= -1 || _moduleCount <= row + r) continue;
      for (let c = -1; c <= 7; c += 1) {
        if (col + c <= -1 || _moduleCount <= col + c) continue;
        if (0 <= r && r <= 6 && (c == 0 || c == 6) || 0 <= c && c <= 6 && (r == 0 || r == 6) || 2 <= r && r <= 4 && 2 <= c && c <= 4) {
          _modules[row + r][col + c] = true;
        } else {
          _modules[row + r][col + c] = false;
        }
      }
    }
  };
  const getBestMaskPattern = function() {
    let minLostPoint = 0;
    let pattern = 0;
    for (let i2 = 0; i2 < 8; i2 += 1) {
      makeImpl(true, i2);
      const lostPoint = QRUtil.getLostPoint(_this);
      if (i2 == 0 || minLostPoint > lostPoint) {
        minLostPoint = lostPoint;
        pattern = i2;
      }
    }
    return pattern;
  };
  const setupTimingPattern = function() {
    for (let r = 8; r < _moduleCount - 8; r += 1) {
      if (_modules[r][6] != null) {
        continue;
      }
      _modules[r][6] = r % 2 == 0;
    }
    for (let c = 8; c < _moduleCount - 8; c += 1) {
      if (_modules[6][c] != null) {
        continue;
      }
      _modules[6][c] = c % 2 == 0;
    }
  };
  const setupPositionAdjustPattern = function() {
    const pos = QRUtil.getPatternPosition(_typeNumber);
    for (let i2 = 0; i2 < pos.length; i2 += 1) {
      for (let j = 0; j < pos.length; j += 1) {
        const row = pos[i2];
        const col = pos[j];
        if (_modules[row][col] != null) {
          continue;
        }
        for (let r = -2; r <= 2; r += 1) {
          for (let c = -2; c <= 2; c += 1) {
            if (r == -2 || r == 2 || c == -2 || c == 2 || r == 0 && c == 0) {
              _modules[row + r][col + c] = true;
            } else {
              _modules[row + r][col + c] = false;
            }
          }
        }
      }
    }
  };
  const setupTypeNumber = function(test) {
    const bits2 = QRUtil.getBCHTypeNumber(_typeNumber);
    for (let i2 = 0; i2 < 18; i2 += 1) {
      const mod = !test && (bits2 >> i2 & 1) == 1;
      _modules[Math.floor(i2 / 3)][i2 % 3 + _moduleCount - 8 - 3] = mod;
    }
    for (let i2 = 0; i2 < 18; i2 += 1) {
      const mod = !test && (bits2 >> i2 & 1) == 1;
      _modules[i2 % 3 + _moduleCount - 8 - 3][Math.floor(i2 / 3)] = mod;
    }
  };
  const setupTypeInfo = function(test, maskPattern) {
    const data = _errorCorrectionLevel << 3 | maskPattern;
    const bits2 = QRUtil.getBCHTypeInfo(data);
    for (let i2 = 0; i2 < 15; i2 += 1) {
      const mod = !test && (bits2 >> i2 & 1) == 1;
      if (i2 < 6) {
        _modules[i2][8] = mod;
      } else if (i2 < 8) {
        _modules[i2 + 1][8] = mod;
      } else {
        _modules[_moduleCount - 15 + i2][8] = mod;
      }
    }
    for (let i2 = 0; i2 < 15; i2 += 1) {
      const mod = !test && (bits2 >> i2 & 1) == 1;
      if (i2 < 8) {
        _modules[8][_moduleCount - i2 - 1] = mod;
      } else if (i2 < 9) {
        _modules[8][15 - i2 - 1 + 1] = mod;
      } else {
        _modules[8][15 - i2 - 1] = mod;
      }
    }
    _modules[_moduleCount - 8][8] = !test;
  };
  const mapData = function(data, maskPattern) {
    let inc = -1;
    let row = _moduleCount - 1;
    let bitIndex = 7;
    let byteIndex = 0;
    const maskFunc = QRUtil.getMaskFunction(maskPattern);
    for (let col = _moduleCount - 1; col > 0; col -= 2) {
      if (col == 6) col -= 1;
      while (true) {
        for (let c = 0; c < 2; c += 1) {
          if (_modules[row][col - c] == null) {
            let dark = false;
            if (byteIndex < data.length) {
              dark = (data[byteIndex] >>> bitIndex & 1) == 1;
            }
            const mask = maskFunc(row, col - c);
            if (mask) {
              dark = !dark;
            }
            _modules[row][col - c] = dark;
            bitIndex -= 1;
            if (bitIndex == -1) {
              byteIndex += 1;
              bitIndex = 7;
            }
          }
        }
        row += inc;
        if (row < 0 || _moduleCount <= row) {
          row -= inc;
          inc = -inc;
          break;
        }
      }
    }
  };
  const createBytes = function(buffer, rsBlocks) {
    let offset = 0;
    let maxDcCount = 0;
    let maxEcCount = 0;
    const dcdata = new Array(rsBlocks.length);
    const ecdata = new Array(rsBlocks.length);
    for (let r = 0; r < rsBlocks.length; r += 1) {
      const dcCount = rsBlocks[r].dataCount;
      const ecCount = rsBlocks[r].totalCount - dcCount;
      maxDcCount = Math.max(maxDcCount, dcCount);
      maxEcCount = Math.max(maxEcCount, ecCount);
      dcdata[r] = new Array(dcCount);
      for (let i2 = 0; i2 < dcdata[r].length; i2 += 1) {
        dcdata[r][i2] = 255 & buffer.getBuffer()[i2 + offset];
      }
      offset += dcCount;
      const rsPoly = QRUtil.getErrorCorrectPolynomial(ecCount);
      const rawPoly = qrPolynomial(dcdata[r], rsPoly.getLength() - 1);
      const modPoly = rawPoly.mod(rsPoly);
      ecdata[r] = new Array(rsPoly.getLength() - 1);
      for (let i2 = 0; i2 < ecdata[r].length; i2 += 1) {
        const modIndex = i2 + modPoly.getLength() - ecdata[r].length;
        ecdata[r][i2] = modIndex >= 0 ? modPoly.getAt(modIndex) : 0;
      }
    }
    let totalCodeCount = 0;
    for (let i2 = 0; i2 < rsBlocks.length; i2 += 1) {
      totalCodeCount += rsBlocks[i2].totalCount;
    }
    const data = new Array(totalCodeCount);
    let index = 0;
    for (let i2 = 0; i2 < maxDcCount; i2 += 1) {
      for (let r = 0; r < rsBlocks.length; r += 1) {
        if (i2 < dcdata[r].length) {
          data[index] = dcdata[r][i2];
          index += 1;
        }
      }
    }
    for (let i2 = 0; i2 < maxEcCount; i2 += 1) {
      for (let r = 0; r < rsBlocks.length; r += 1) {
        if (i2 < ecdata[r].length) {
          data[index] = ecdata[r][i2];
          index += 1;
        }
      }
    }
    return data;
  };
  const createData = function(typeNumber2, errorCorrectionLevel2, dataList) {
    const rsBlocks = QRRSBlock.getRSBlocks(typeNumber2, errorCorrectionLevel2);
    const buffer = qrBitBuffer();
    for (let i2 = 0; i2 < dataList.length; i2 += 1) {
      const data = dataList[i2];
      buffer.put(data.getMode(), 4);
      buffer.put(data.getLength(), QRUtil.getLengthInBits(data.getMode(), typeNumber2));
      data.write(buffer);
    }
    let totalDataCount = 0;
    for (let i2 = 0; i2 < rsBlocks.length; i2 += 1) {
      totalDataCount += rsBlocks[i2].dataCount;
    }
    if (buffer.getLengthInBits() > totalDataCount * 8) {
      throw "code length overflow. (" + buffer.getLengthInBits() + ">" + totalDataCount * 8 + ")";
    }
    if (buffer.getLengthInBits() + 4 <= totalDataCount * 8) {
      buffer.put(0, 4);
    }
    while (buffer.getLengthInBits() % 8 != 0) {
      buffer.putBit(false);
    }
    while (true) {
      if (buffer.getLengthInBits() >= totalDataCount * 8) {
        break;
      }
      buffer.put(PAD0, 8);
      if (buffer.getLengthInBits() >= totalDataCount * 8) {
        break;
      }
      buffer.put(PAD1, 8);
    }
    return createBytes(buffer, rsBlocks);
  };
  _this.addData = function(data, mode) {
    mode = mode || "Byte";
    let newData = null;
    switch (mode) {
      case "Numeric":
        newData = qrNumber(data);
        break;
      case "Alphanumeric":
        newData = qrAlphaNum(data);
        break;
      case "Byte":
        newData = qr8BitByte(data);
        break;
      case "Kanji":
        newData = qrKanji(data);
        break;
      default:
        throw "mode:" + mode;
    }
    _dataList.push(newData);
    _dataCache = null;
  };
  _this.isDark = function(row, col) {
    if (row < 0 || _moduleCount <= row || col < 0 || _moduleCount <= col) {
      throw row + "," + col;
    }
    return _modules[row][col];
  };
  _this.getModuleCount = function() {
    return _moduleCount;
  };
  _this.make = function() {
    if (_typeNumber < 1) {
      let typeNumber2 = 1;
      for (; typeNumber2 < 40; typeNumber2++) {
        const rsBlocks = QRRSBlock.getRSBlocks(typeNumber2, _errorCorrectionLevel);
        const buffer = qrBitBuffer();
        for (let i2 = 0; i2 < _dataList.length; i2++) {
          const data = _dataList[i2];
          buffer.put(data.getMode(), 4);
          buffer.put(data.getLength(), QRUtil.getLengthInBits(data.getMode(), typeNumber2));
          data.write(buffer);
        }
        let totalDataCount = 0;
        for (let i2 = 0; i2 < rsBlocks.length; i2++) {
          totalDataCount += rsBlocks[i2].dataCount;
        }
        if (buffer.getLengthInBits() <= totalDataCount * 8) {
          break;
        }
      }
      _typeNumber = typeNumber2;
    }
    makeImpl(false, getBestMaskPattern());
  };
  _this.createTableTag = function(cellSize, margin) {
    cellSize = cellSize || 2;
    margin = typeof margin == "undefined" ? cellSize * 4 : margin;
    let qrHtml = "";
    qrHtml += '<table style="';
    qrHtml += " border-width: 0px; border-style: none;";
    qrHtml += " border-collapse: collapse;";
    qrHtml += " padding: 0px; margin: " + margin + "px;";
    qrHtml += '">';
    qrHtml += "<tbody>";
    for (let r = 0; r < _this.getModuleCount(); r += 1) {
      qrHtml += "<tr>";
      for (let c = 0; c < _this.getModuleCount(); c += 1) {
        qrHtml += '<td style="';
        qrHtml += " border-width: 0px; border-style: none;";
        qrHtml += " border-collapse: collapse;";
        qrHtml += " padding: 0px; margin: 0px;";
        qrHtml += " width: " + cellSize + "px;";
        qrHtml += " height: " + cellSize + "px;";
        qrHtml += " background-color: ";
        qrHtml += _this.isDark(r, c) ? "#000000" : "#ffffff";
        qrHtml += ";";
        qrHtml += '"/>';
      }
      qrHtml += "</tr>";
    }
    qrHtml += "</tbody>";
    qrHtml += "</table>";
    return qrHtml;
  };
  _this.createSvgTag = function(cellSize, margin, alt, title) {
    let opts = {};
    if (typeof arguments[0] == "object") {
      opts = arguments[0];
      cellSize = opts.cellSize;
      margin = opts.margin;
      alt = opts.alt;
      title = opts.title;
    }
    cellSize = cellSize || 2;
    margin = typeof margin == "undefined" ? cellSize * 4 : margin;
    alt = typeof alt === "string" ? { text: alt } : alt || {};
    alt.text = alt.text || null;
    alt.id = alt.text ? alt.id || "qrcode-description" : null;
    title = typeof title === "string" ? { text: title } : title || {};
    title.text = title.text || null;
    title.id = title.text ? title.id || "qrcode-title" : null;
    const size = _this.getModuleCount() * cellSize + margin * 2;
    let c, mc, r, mr, qrSvg = "", rect;
    rect = "l" + cellSize + ",0 0," + cellSize + " -" + cellSize + ",0 0,-" + cellSize + "z ";
    qrSvg += '<svg version="1.1" xmlns="http://www.w3.org/2000/svg"';
    qrSvg += !opts.scalable ? ' width="' + size + 'px" height="' + size + 'px"' : "";
    qrSvg += ' viewBox="0 0 ' + size + " " + size + '" ';
    qrSvg += ' preserveAspectRatio="xMinYMin meet"';
    qrSvg += title.text || alt.text ? ' role="img" aria-labelledby="' + escapeXml([title.id, alt.id].join(" ").trim()) + '"' : "";
    qrSvg += ">";
    qrSvg += title.text ? '<title id="' + escapeXml(title.id) + '">' + escapeXml(title.text) + "</title>" : "";
    qrSvg += alt.text ? '<description id="' + escapeXml(alt.id) + '">' + escapeXml(alt.text) + "</description>" : "";
    qrSvg += '<rect width="100%" height="100%" fill="white" cx="0" cy="0"/>';
    qrSvg += '<path d="';
    for (r = 0; r < _this.getModuleCount(); r += 1) {
      mr = r * cellSize + margin;
      for (c = 0; c < _this.getModuleCount(); c += 1) {
        if (_this.isDark(r, c)) {
          mc = c * cellSize + margin;
          qrSvg += "M" + mc + "," + mr + rect;
        }
      }
    }
    qrSvg += '" stroke="transparent" fill="black"/>';
    qrSvg += "</svg>";
    return qrSvg;
  };
  _this.createDataURL = function(cellSize, margin) {
    cellSize = cellSize || 2;
    margin = typeof margin == "undefined" ? cellSize * 4 : margin;
    const size = _this.getModuleCount() * cellSize + margin * 2;
    const min = margin;
    const max2 = size - margin;
    return createDataURL(size, size, function(x2, y) {
      if (min <= x2 && x2 < max2 && min <= y && y < max2) {
        const c = Math.floor((x2 - min) / cellSize);
        const r = Math.floor((y - min) / cellSize);
        return _this.isDark(r, c) ? 0 : 1;
      } else {
        return 1;
      }
    });
  };
  _this.createImgTag = function(cellSize, margin, alt) {
    cellSize = cellSize || 2;
    margin = typeof margin == "undefined" ? cellSize * 4 : margin;
    const size = _this.getModuleCount() * cellSize + margin * 2;
    let img = "";
    img += "<img";
    img += ' src="';
    img += _this.createDataURL(cellSize, margin);
    img += '"';
    img += ' width="';
    img += size;
    img += '"';
    img += ' height="';
    img += size;
    img += '"';
    if (alt) {
      img += ' alt="';
      img += escapeXml(alt);
      img += '"';
    }
    img += "/>";
    return img;
  };
  const escapeXml = function(s) {
    let escaped = "";
    for (let i2 = 0; i2 < s.length; i2 += 1) {
      const c = s.charAt(i2);
      switch (c) {
        case "<":
          escaped += "&lt;";
          break;
        case ">":
          escaped += "&gt;";
          break;
        case "&":
          escaped += "&amp;";
          break;
        case '"':
          escaped += "&quot;";
          break;
        default:
          escaped += c;
          break;
      }
    }
    return escaped;
  };
  const _createHalfASCII = function(margin) {
    const cellSize = 1;
    margin = typeof margin == "undefined" ? cellSize * 2 : margin;
    const size = _this.getModuleCount() * cellSize + margin * 2;
    const min = margin;
    const max2 = size - margin;
    let y, x2, r1, r2, p;
    const blocks = {
      "\u2588\u2588": "\u2588",
      "\u2588 ": "\u2580",
      " \u2588": "\u2584",
      "  ": " "
    };
    const blocksLastLineNoMargin = {
      "\u2588\u2588": "\u2580",
      "\u2588 ": "\u2580",
      " \u2588": " ",
      "  ": " "
    };
    let ascii = "";
    for (y = 0; y < size; y += 2) {
      r1 = Math.floor((y - min) / cellSize);
      r2 = Math.floor((y + 1 - min) / cellSize);
      for (x2 = 0; x2 < size; x2 += 1) {
        p = "\u2588";
        if (min <= x2 && x2 < max2 && min <= y && y < max2 && _this.isDark(r1, Math.floor((x2 - min) / cellSize))) {
          p = " ";
        }
        if (min <= x2 && x2 < max2 && min <= y + 1 && y + 1 < max2 && _this.isDark(r2, Math.floor((x2 - min) / cellSize))) {
          p += " ";
        } else {
          p += "\u2588";
        }
        ascii += margin < 1 && y + 1 >= max2 ? blocksLastLineNoMargin[p] : blocks[p];
      }
      ascii += "\n";
    }
    if (size % 2 && margin > 0) {
      return ascii.substring(0, ascii.length - size - 1) + Array(size + 1).join("\u2580");
    }
    return ascii.substring(0, ascii.length - 1);
  };
  _this.createASCII = function(cellSize, margin) {
    cellSize = cellSize || 1;
    if (cellSize < 2) {
      return _createHalfASCII(margin);
    }
    cellSize -= 1;
    margin = typeof margin == "undefined" ? cellSize * 2 : margin;
    const size = _this.getModuleCount() * cellSize + margin * 2;
    const min = margin;
    const max2 = size - margin;
    let y, x2, r, p;
    const white = Array(cellSize + 1).join("\u2588\u2588");
    const black = Array(cellSize + 1).join("  ");
    let ascii = "";
    let line = "";
    for (y = 0; y < size; y += 1) {
      r = Math.floor((y - min) / cellSize);
      line = "";
      for (x2 = 0; x2 < size; x2 += 1) {
        p = 1;
        if (min <= x2 && x2 < max2 && min <= y && y < max2 && _this.isDark(r, Math.floor((x2 - min) / cellSize))) {
          p = 0;
        }
        line += p ? white : black;
      }
      for (r = 0; r < cellSize; r += 1) {
        ascii += line + "\n";
      }
    }
    return ascii.substring(0, ascii.length - 1);
  };
  _this.renderTo2dContext = function(context, cellSize) {
    cellSize = cellSize || 2;
    const length = _this.getModuleCount();
    for (let row = 0; row < length; row++) {
      for (let col = 0; col < length; col++) {
        context.fillStyle = _this.isDark(row, col) ? "black" : "white";
        context.fillRect(col * cellSize, row * cellSize, cellSize, cellSize);
      }
    }
  };
  return _this;
};
qrcode.stringToBytes = function(s) {
  const bytes = [];
  for (let i2 = 0; i2 < s.length; i2 += 1) {
    const c = s.charCodeAt(i2);
    bytes.push(c & 255);
  }
  return bytes;
};
qrcode.createStringToBytes = function(unicodeData, numChars) {
  const unicodeMap = (function() {
    const bin = base64DecodeInputStream(unicodeData);
    const read2 = function() {
      const b = bin.read();
      if (b == -1) throw "eof";
      return b;
    };
    let count = 0;
    const unicodeMap2 = {};
    while (true) {
      const b0 = bin.read();
      if (b0 == -1) break;
      const b1 = read2();
      const b2 = read2();
      const b3 = read2();
      const k = String.fromCharCode(b0 << 8 | b1);
      const v = b2 << 8 | b3;
      unicodeMap2[k] = v;
      count += 1;
    }
    if (count != numChars) {
      throw count + " != " + numChars;
    }
    return unicodeMap2;
  })();
  const unknownChar = "?".charCodeAt(0);
  return function(s) {
    const bytes = [];
    for (let i2 = 0; i2 < s.length; i2 += 1) {
      const c = s.charCodeAt(i2);
      if (c < 128) {
        bytes.push(c);
      } else {
        const b = unicodeMap[s.charAt(i2)];
        if (typeof b == "number") {
          if ((b & 255) == b) {
            bytes.push(b);
          } else {
            bytes.push(b >>> 8);
            bytes.push(b & 255);
          }
        } else {
          bytes.push(unknownChar);
        }
      }
    }
    return bytes;
  };
};
var QRMode = {
  MODE_NUMBER: 1 << 0,
  MODE_ALPHA_NUM: 1 << 1,
  MODE_8BIT_BYTE: 1 << 2,
  MODE_KANJI: 1 << 3
};
var QRErrorCorrectionLevel = {
  L: 1,
  M: 0,
  Q: 3,
  H: 2
};
var QRMaskPattern = {
  PATTERN000: 0,
  PATTERN001: 1,
  PATTERN010: 2,
  PATTERN011: 3,
  PATTERN100: 4,
  PATTERN101: 5,
  PATTERN110: 6,
  PATTERN111: 7
};
var QRUtil = (function() {
  const PATTERN_POSITION_TABLE = [
    [],
    [6, 18],
    [6, 22],
    [6, 26],
    [6, 30],
    [6, 34],
    [6, 22, 38],
    [6, 24, 42],
    [6, 26, 46],
    [6, 28, 50],
    [6, 30, 54],
    [6, 32, 58],
    [6, 34, 62],
    [6, 26, 46, 66],
    [6, 26, 48, 70],
    [6, 26, 50, 74],
    [6, 30, 54, 78],
    [6, 30, 56, 82],
    [6, 30, 58, 86],
    [6, 34, 62, 90],
    [6, 28, 50, 72, 94],
    [6, 26, 50, 74, 98],
    [6, 30, 54, 78, 102],
    [6, 28, 54, 80, 106],
    [6, 32, 58, 84, 110],
    [6, 30, 58, 86, 114],
    [6, 34, 62, 90, 118],
    [6, 26, 50, 74, 98, 122],
    [6, 30, 54, 78, 102, 126],
    [6, 26, 52, 78, 104, 130],
    [6, 30, 56, 82, 108, 134],
    [6, 34, 60, 86, 112, 138],
    [6, 30, 58, 86, 114, 142],
    [6, 34, 62, 90, 118, 146],
    [6, 30, 54, 78, 102, 126, 150],
    [6, 24, 50, 76, 102, 128, 154],
    [6, 28, 54, 80, 106, 132, 158],
    [6, 32, 58, 84, 110, 136, 162],
    [6, 26, 54, 82, 110, 138, 166],
    [6, 30, 58, 86, 114, 142, 170]
  ];
  const G15 = 1 << 10 | 1 << 8 | 1 << 5 | 1 << 4 | 1 << 2 | 1 << 1 | 1 << 0;
  const G18 = 1 << 12 | 1 << 11 | 1 << 10 | 1 << 9 | 1 << 8 | 1 << 5 | 1 << 2 | 1 << 0;
  const G15_MASK = 1 << 14 | 1 << 12 | 1 << 10 | 1 << 4 | 1 << 1;
  const _this = {};
  const getBCHDigit = function(data) {
    let digit = 0;
    while (data != 0) {
      digit += 1;
      data >>>= 1;
    }
    return digit;
  };
  _this.getBCHTypeInfo = function(data) {
    let d = data << 10;
    while (getBCHDigit(d) - getBCHDigit(G15) >= 0) {
      d ^= G15 << getBCHDigit(d) - getBCHDigit(G15);
    }
    return (data << 10 | d) ^ G15_MASK;
  };
  _this.getBCHTypeNumber = function(data) {
    let d = data << 12;
    while (getBCHDigit(d) - getBCHDigit(G18) >= 0) {
      d ^= G18 << getBCHDigit(d) - getBCHDigit(G18);
    }
    return data << 12 | d;
  };
  _this.getPatternPosition = function(typeNumber) {
    return PATTERN_POSITION_TABLE[typeNumber - 1];
  };
  _this.getMaskFunction = function(maskPattern) {
    switch (maskPattern) {
      case QRMaskPattern.PATTERN000:
        return function(i2, j) {
          return (i2 + j) % 2 == 0;
        };
      case QRMaskPattern.PATTERN001:
        return function(i2, j) {
          return i2 % 2 == 0;
        };
      case QRMaskPattern.PATTERN010:
        return function(i2, j) {
          return j % 3 == 0;
        };
      case QRMaskPattern.PATTERN011:
        return function(i2, j) {
          return (i2 + j) % 3 == 0;
        };
      case QRMaskPattern.PATTERN100:
        return function(i2, j) {
          return (Math.floor(i2 / 2) + Math.floor(j / 3)) % 2 == 0;
        };
      case QRMaskPattern.PATTERN101:
        return function(i2, j) {
          return i2 * j % 2 + i2 * j % 3 == 0;
        };
      case QRMaskPattern.PATTERN110:
        return function(i2, j) {
          return (i2 * j % 2 + i2 * j % 3) % 2 == 0;
        };
      case QRMaskPattern.PATTERN111:
        return function(i2, j) {
          return (i2 * j % 3 + (i2 + j) % 2) % 2 == 0;
        };
      default:
        throw "bad maskPattern:" + maskPattern;
    }
  };
  _this.getErrorCorrectPolynomial = function(errorCorrectLength) {
    let a = qrPolynomial([1], 0);
    for (let i2 = 0; i2 < errorCorrectLength; i2 += 1) {
      a = a.multiply(qrPolynomial([1, QRMath.gexp(i2)], 0));
    }
    return a;
  };
  _this.getLengthInBits = function(mode, type) {
    if (1 <= type && type < 10) {
      switch (mode) {
        case QRMode.MODE_NUMBER:
          return 10;
        case QRMode.MODE_ALPHA_NUM:
          return 9;
        case QRMode.MODE_8BIT_BYTE:
          return 8;
        case QRMode.MODE_KANJI:
          return 8;
        default:
          throw "mode:" + mode;
      }
    } else if (type < 27) {
      switch (mode) {
        case QRMode.MODE_NUMBER:
          return 12;
        case QRMode.MODE_ALPHA_NUM:
          return 11;
        case QRMode.MODE_8BIT_BYTE:
          return 16;
        case QRMode.MODE_KANJI:
          return 10;
        default:
          throw "mode:" + mode;
      }
    } else if (type < 41) {
      switch (mode) {
        case QRMode.MODE_NUMBER:
          return 14;
        case QRMode.MODE_ALPHA_NUM:
          return 13;
        case QRMode.MODE_8BIT_BYTE:
          return 16;
        case QRMode.MODE_KANJI:
          return 12;
        default:
          throw "mode:" + mode;
      }
    } else {
      throw "type:" + type;
    }
  };
  _this.getLostPoint = function(qrcode2) {
    const moduleCount = qrcode2.getModuleCount();
    let lostPoint = 0;
    for (let row = 0; row < moduleCount; row += 1) {
      for (let col = 0; col < moduleCount; col += 1) {
        let sameCount = 0;
        const dark = qrcode2.isDark(row, col);
        for (let r = -1; r <= 1; r += 1) {
          if (row + r < 0 || moduleCount <= row + r) {
            continue;
          }
          for (let c = -1; c <= 1; c += 1) {
            if (col + c < 0 || moduleCount <= col + c) {
              continue;
            }
            if (r == 0 && c == 0) {
              continue;
            }
            if (dark == qrcode2.isDark(row + r, col + c)) {
              sameCount += 1;
            }
          }
        }
        if (sameCount > 5) {
          lostPoint += 3 + sameCount - 5;
        }
      }
    }
    ;
    for (let row = 0; row < moduleCount - 1; row += 1) {
      for (let col = 0; col < moduleCount - 1; col += 1) {
        let count = 0;
        if (qrcode2.isDark(row, col)) count += 1;
        if (qrcode2.isDark(row + 1, col)) count += 1;
        if (qrcode2.isDark(row, col + 1)) count += 1;
        if (qrcode2.isDark(row + 1, col + 1)) count += 1;
        if (count == 0 || count == 4) {
          lostPoint += 3;
        }
      }
    }
    for (let row = 0; row < moduleCount; row += 1) {
      for (let col = 0; col < moduleCount - 6; col += 1) {
        if (qrcode2.isDark(row, col) && !qrcode2.isDark(row, col + 1) && qrcode2.isDark(row, col + 2) && qrcode2.isDark(row, col + 3) && qrcode2.isDark(row, col + 4) && !qrcode2.isDark(row, col + 5) && qrcode2.isDark(row, col + 6)) {
          lostPoint += 40;
        }
      }
    }
    for (let col = 0; col < moduleCount; col += 1) {
      for (let row = 0; row < moduleCount - 6; row += 1) {
        if (qrcode2.isDark(row, col) && !qrcode2.isDark(row + 1, col) && qrcode2.isDark(row + 2, col) && qrcode2.isDark(row + 3, col) && qrcode2.isDark(row + 4, col) && !qrcode2.isDark(row + 5, col) && qrcode2.isDark(row + 6, col)) {
          lostPoint += 40;
        }
      }
    }
    let darkCount = 0;
    for (let col = 0; col < moduleCount; col += 1) {
      for (let row = 0; row < moduleCount; row += 1) {
        if (qrcode2.isDark(row, col)) {
          darkCount += 1;
        }
      }
    }
    const ratio = Math.abs(100 * darkCount / moduleCount / moduleCount - 50) / 5;
    lostPoint += ratio * 10;
    return lostPoint;
  };
  return _this;
})();
var QRMath = (function() {
  const EXP_TABLE = new Array(256);
  const LOG_TABLE = new Array(256);
  for (let i2 = 0; i2 < 8; i2 += 1) {
    EXP_TABLE[i2] = 1 << i2;
  }
  for (let i2 = 8; i2 < 256; i2 += 1) {
    EXP_TABLE[i2] = EXP_TABLE[i2 - 4] ^ EXP_TABLE[i2 - 5] ^ EXP_TABLE[i2 - 6] ^ EXP_TABLE[i2 - 8];
  }
  for (let i2 = 0; i2 < 255; i2 += 1) {
    LOG_TABLE[EXP_TABLE[i2]] = i2;
  }
  const _this = {};
  _this.glog = function(n) {
    if (n < 1) {
      throw "glog(" + n + ")";
    }
    return LOG_TABLE[n];
  };
  _this.gexp = function(n) {
    while (n < 0) {
      n += 255;
    }
    while (n >= 256) {
      n -= 255;
    }
    return EXP_TABLE[n];
  };
  return _this;
})();
var qrPolynomial = function(num, shift) {
  if (typeof num.length == "undefined") {
    throw num.length + "/" + shift;
  }
  const _num = (function() {
    let offset = 0;
    while (offset < num.length && num[offset] == 0) {
      offset += 1;
    }
    const _num2 = new Array(num.length - offset + shift);
    for (let i2 = 0; i2 < num.length - offset; i2 += 1) {
      _num2[i2] = num[i2 + offset];
    }
    return _num2;
  })();
  const _this = {};
  _this.getAt = function(index) {
    return _num[index];
  };
  _this.getLength = function() {
    return _num.length;
  };
  _this.multiply = function(e) {
    const num2 = new Array(_this.getLength() + e.getLength() - 1);
    for (let i2 = 0; i2 < _this.getLength(); i2 += 1) {
      for (let j = 0; j < e.getLength(); j += 1) {
        num2[i2 + j] ^= QRMath.gexp(QRMath.glog(_this.getAt(i2)) + QRMath.glog(e.getAt(j)));
      }
    }
    return qrPolynomial(num2, 0);
  };
  _this.mod = function(e) {
    if (_this.getLength() - e.getLength() < 0) {
      return _this;
    }
    const ratio = QRMath.glog(_this.getAt(0)) - QRMath.glog(e.getAt(0));
    const num2 = new Array(_this.getLength());
    for (let i2 = 0; i2 < _this.getLength(); i2 += 1) {
      num2[i2] = _this.getAt(i2);
    }
    for (let i2 = 0; i2 < e.getLength(); i2 += 1) {
      num2[i2] ^= QRMath.gexp(QRMath.glog(e.getAt(i2)) + ratio);
    }
    return qrPolynomial(num2, 0).mod(e);
  };
  return _this;
};
var QRRSBlock = (function() {
  const RS_BLOCK_TABLE = [
    // L
    // M
    // Q
    // H
    // 1
    [1, 26, 19],
    [1, 26, 16],
    [1, 26, 13],
    [1, 26, 9],
    // 2
    [1, 44, 34],
    [1, 44, 28],
    [1, 44, 22],
    [1, 44, 16],
    // 3
    [1, 70, 55],
    [1, 70, 44],
    [2, 35, 17],
    [2, 35, 13],
    // 4
    [1, 100, 80],
    [2, 50, 32],
    [2, 50, 24],
    [4, 25, 9],
    // 5
    [1, 134, 108],
    [2, 67, 43],
    [2, 33, 15, 2, 34, 16],
    [2, 33, 11, 2, 34, 12],
    // 6
    [2, 86, 68],
    [4, 43, 27],
    [4, 43, 19],
    [4, 43, 15],
    // 7
    [2, 98, 78],
    [4, 49, 31],
    [2, 32, 14, 4, 33, 15],
    [4, 39, 13, 1, 40, 14],
    // 8
    [2, 121, 97],
    [2, 60, 38, 2, 61, 39],
    [4, 40, 18, 2, 41, 19],
    [4, 40, 14, 2, 41, 15],
    // 9
    [2, 146, 116],
    [3, 58, 36, 2, 59, 37],
    [4, 36, 16, 4, 37, 17],
    [4, 36, 12, 4, 37, 13],
    // 10
    [2, 86, 68, 2, 87, 69],
    [4, 69, 43, 1, 70, 44],
    [6, 43, 19, 2, 44, 20],
    [6, 43, 15, 2, 44, 16],
    // 11
    [4, 101, 81],
    [1, 80, 50, 4, 81, 51],
    [4, 50, 22, 4, 51, 23],
    [3, 36, 12, 8, 37, 13],
    // 12
    [2, 116, 92, 2, 117, 93],
    [6, 58, 36, 2, 59, 37],
    [4, 46, 20, 6, 47, 21],
    [7, 42, 14, 4, 43, 15],
    // 13
    [4, 133, 107],
    [8, 59, 37, 1, 60, 38],
    [8, 44, 20, 4, 45, 21],
    [12, 33, 11, 4, 34, 12],
    // 14
    [3, 145, 115, 1, 146, 116],
    [4, 64, 40, 5, 65, 41],
    [11, 36, 16, 5, 37, 17],
    [11, 36, 12, 5, 37, 13],
    // 15
    [5, 109, 87, 1, 110, 88],
    [5, 65, 41, 5, 66, 42],
    [5, 54, 24, 7, 55, 25],
    [11, 36, 12, 7, 37, 13],
    // 16
    [5, 122, 98, 1, 123, 99],
    [7, 73, 45, 3, 74, 46],
    [15, 43, 19, 2, 44, 20],
    [3, 45, 15, 13, 46, 16],
    // 17
    [1, 135, 107, 5, 136, 108],
    [10, 74, 46, 1, 75, 47],
    [1, 50, 22, 15, 51, 23],
    [2, 42, 14, 17, 43, 15],
    // 18
    [5, 150, 120, 1, 151, 121],
    [9, 69, 43, 4, 70, 44],
    [17, 50, 22, 1, 51, 23],
    [2, 42, 14, 19, 43, 15],
    // 19
    [3, 141, 113, 4, 142, 114],
    [3, 70, 44, 11, 71, 45],
    [17, 47, 21, 4, 48, 22],
    [9, 39, 13, 16, 40, 14],
    // 20
    [3, 135, 107, 5, 136, 108],
    [3, 67, 41, 13, 68, 42],
    [15, 54, 24, 5, 55, 25],
    [15, 43, 15, 10, 44, 16],
    // 21
    [4, 144, 116, 4, 145, 117],
    [17, 68, 42],
    [17, 50, 22, 6, 51, 23],
    [19, 46, 16, 6, 47, 17],
    // 22
    [2, 139, 111, 7, 140, 112],
    [17, 74, 46],
    [7, 54, 24, 16, 55, 25],
    [34, 37, 13],
    // 23
    [4, 151, 121, 5, 152, 122],
    [4, 75, 47, 14, 76, 48],
    [11, 54, 24, 14, 55, 25],
    [16, 45, 15, 14, 46, 16],
    // 24
    [6, 147, 117, 4, 148, 118],
    [6, 73, 45, 14, 74, 46],
    [11, 54, 24, 16, 55, 25],
    [30, 46, 16, 2, 47, 17],
    // 25
    [8, 132, 106, 4, 133, 107],
    [8, 75, 47, 13, 76, 48],
    [7, 54, 24, 22, 55, 25],
    [22, 45, 15, 13, 46, 16],
    // 26
    [10, 142, 114, 2, 143, 115],
    [19, 74, 46, 4, 75, 47],
    [28, 50, 22, 6, 51, 23],
    [33, 46, 16, 4, 47, 17],
    // 27
    [8, 152, 122, 4, 153, 123],
    [22, 73, 45, 3, 74, 46],
    [8, 53, 23, 26, 54, 24],
    [12, 45, 15, 28, 46, 16],
    // 28
    [3, 147, 117, 10, 148, 118],
    [3, 73, 45, 23, 74, 46],
    [4, 54, 24, 31, 55, 25],
    [11, 45, 15, 31, 46, 16],
    // 29
    [7, 146, 116, 7, 147, 117],
    [21, 73, 45, 7, 74, 46],
    [1, 53, 23, 37, 54, 24],
    [19, 45, 15, 26, 46, 16],
    // 30
    [5, 145, 115, 10, 146, 116],
    [19, 75, 47, 10, 76, 48],
    [15, 54, 24, 25, 55, 25],
    [23, 45, 15, 25, 46, 16],
    // 31
    [13, 145, 115, 3, 146, 116],
    [2, 74, 46, 29, 75, 47],
    [42, 54, 24, 1, 55, 25],
    [23, 45, 15, 28, 46, 16],
    // 32
    [17, 145, 115],
    [10, 74, 46, 23, 75, 47],
    [10, 54, 24, 35, 55, 25],
    [19, 45, 15, 35, 46, 16],
    // 33
    [17, 145, 115, 1, 146, 116],
    [14, 74, 46, 21, 75, 47],
    [29, 54, 24, 19, 55, 25],
    [11, 45, 15, 46, 46, 16],
    // 34
    [13, 145, 115, 6, 146, 116],
    [14, 74, 46, 23, 75, 47],
    [44, 54, 24, 7, 55, 25],
    [59, 46, 16, 1, 47, 17],
    // 35
    [12, 151, 121, 7, 152, 122],
    [12, 75, 47, 26, 76, 48],
    [39, 54, 24, 14, 55, 25],
    [22, 45, 15, 41, 46, 16],
    // 36
    [6, 151, 121, 14, 152, 122],
    [6, 75, 47, 34, 76, 48],
    [46, 54, 24, 10, 55, 25],
    [2, 45, 15, 64, 46, 16],
    // 37
    [17, 152, 122, 4, 153, 123],
    [29, 74, 46, 14, 75, 47],
    [49, 54, 24, 10, 55, 25],
    [24, 45, 15, 46, 46, 16],
    // 38
    [4, 152, 122, 18, 153, 123],
    [13, 74, 46, 32, 75, 47],
    [48, 54, 24, 14, 55, 25],
    [42, 45, 15, 32, 46, 16],
    // 39
    [20, 147, 117, 4, 148, 118],
    [40, 75, 47, 7, 76, 48],
    [43, 54, 24, 22, 55, 25],
    [10, 45, 15, 67, 46, 16],
    // 40
    [19, 148, 118, 6, 149, 119],
    [18, 75, 47, 31, 76, 48],
    [34, 54, 24, 34, 55, 25],
    [20, 45, 15, 61, 46, 16]
  ];
  const qrRSBlock = function(totalCount, dataCount) {
    const _this2 = {};
    _this2.totalCount = totalCount;
    _this2.dataCount = dataCount;
    return _this2;
  };
  const _this = {};
  const getRsBlockTable = function(typeNumber, errorCorrectionLevel) {
    switch (errorCorrectionLevel) {
      case QRErrorCorrectionLevel.L:
        return RS_BLOCK_TABLE[(typeNumber - 1) * 4 + 0];
      case QRErrorCorrectionLevel.M:
        return RS_BLOCK_TABLE[(typeNumber - 1) * 4 + 1];
      case QRErrorCorrectionLevel.Q:
        return RS_BLOCK_TABLE[(typeNumber - 1) * 4 + 2];
      case QRErrorCorrectionLevel.H:
        return RS_BLOCK_TABLE[(typeNumber - 1) * 4 + 3];
      default:
        return void 0;
    }
  };
  _this.getRSBlocks = function(typeNumber, errorCorrectionLevel) {
    const rsBlock = getRsBlockTable(typeNumber, errorCorrectionLevel);
    if (typeof rsBlock == "undefined") {
      throw "bad rs block @ typeNumber:" + typeNumber + "/errorCorrectionLevel:" + errorCorrectionLevel;
    }
    const length = rsBlock.length / 3;
    const list = [];
    for (let i2 = 0; i2 < length; i2 += 1) {
      const count = rsBlock[i2 * 3 + 0];
      const totalCount = rsBlock[i2 * 3 + 1];
      const dataCount = rsBlock[i2 * 3 + 2];
      for (let j = 0; j < count; j += 1) {
        list.push(qrRSBlock(totalCount, dataCount));
      }
    }
    return list;
  };
  return _this;
})();
var qrBitBuffer = function() {
  const _buffer = [];
  let _length = 0;
  const _this = {};
  _this.getBuffer = function() {
    return _buffer;
  };
  _this.getAt = function(index) {
    const bufIndex = Math.floor(index / 8);
    return (_buffer[bufIndex] >>> 7 - index % 8 & 1) == 1;
  };
  _this.put = function(num, length) {
    for (let i2 = 0; i2 < length; i2 += 1) {
      _this.putBit((num >>> length - i2 - 1 & 1) == 1);
    }
  };
  _this.getLengthInBits = function() {
    return _length;
  };
  _this.putBit = function(bit) {
    const bufIndex = Math.floor(_length / 8);
    if (_buffer.length <= bufIndex) {
      _buffer.push(0);
    }
    if (bit) {
      _buffer[bufIndex] |= 128 >>> _length % 8;
    }
    _length += 1;
  };
  return _this;
};
var qrNumber = function(data) {
  const _mode = QRMode.MODE_NUMBER;
  const _data = data;
  const _this = {};
  _this.getMode = function() {
    return _mode;
  };
  _this.getLength = function(buffer) {
    return _data.length;
  };
  _this.write = function(buffer) {
    const data2 = _data;
    let i2 = 0;
    while (i2 + 2 < data2.length) {
      buffer.put(strToNum(data2.substring(i2, i2 + 3)), 10);
      i2 += 3;
    }
    if (i2 < data2.length) {
      if (data2.length - i2 == 1) {
        buffer.put(strToNum(data2.substring(i2, i2 + 1)), 4);
      } else if (data2.length - i2 == 2) {
        buffer.put(strToNum(data2.substring(i2, i2 + 2)), 7);
      }
    }
  };
  const strToNum = function(s) {
    let num = 0;
    for (let i2 = 0; i2 < s.length; i2 += 1) {
      num = num * 10 + chatToNum(s.charAt(i2));
    }
    return num;
  };
  const chatToNum = function(c) {
    if ("0" <= c && c <= "9") {
      return c.charCodeAt(0) - "0".charCodeAt(0);
    }
    throw "illegal char :" + c;
  };
  return _this;
};
var qrAlphaNum = function(data) {
  const _mode = QRMode.MODE_ALPHA_NUM;
  const _data = data;
  const _this = {};
  _this.getMode = function() {
    return _mode;
  };
  _this.getLength = function(buffer) {
    return _data.length;
  };
  _this.write = function(buffer) {
    const s = _data;
    let i2 = 0;
    while (i2 + 1 < s.length) {
      buffer.put(
        getCode(s.charAt(i2)) * 45 + getCode(s.charAt(i2 + 1)),
        11
      );
      i2 += 2;
    }
    if (i2 < s.length) {
      buffer.put(getCode(s.charAt(i2)), 6);
    }
  };
  const getCode = function(c) {
    if ("0" <= c && c <= "9") {
      return c.charCodeAt(0) - "0".charCodeAt(0);
    } else if ("A" <= c && c <= "Z") {
      return c.charCodeAt(0) - "A".charCodeAt(0) + 10;
    } else {
      switch (c) {
        case " ":
          return 36;
        case "$":
          return 37;
        case "%":
          return 38;
        case "*":
          return 39;
        case "+":
          return 40;
        case "-":
          return 41;
        case ".":
          return 42;
        case "/":
          return 43;
        case ":":
          return 44;
        default:
          throw "illegal char :" + c;
      }
    }
  };
  return _this;
};
var qr8BitByte = function(data) {
  const _mode = QRMode.MODE_8BIT_BYTE;
  const _data = data;
  const _bytes = qrcode.stringToBytes(data);
  const _this = {};
  _this.getMode = function() {
    return _mode;
  };
  _this.getLength = function(buffer) {
    return _bytes.length;
  };
  _this.write = function(buffer) {
    for (let i2 = 0; i2 < _bytes.length; i2 += 1) {
      buffer.put(_bytes[i2], 8);
    }
  };
  return _this;
};
var qrKanji = function(data) {
  const _mode = QRMode.MODE_KANJI;
  const _data = data;
  const stringToBytes2 = qrcode.stringToBytes;
  !(function(c, code) {
    const test = stringToBytes2(c);
    if (test.length != 2 || (test[0] << 8 | test[1]) != code) {
      throw "sjis not supported.";
    }
  })("\u53CB", 38726);
  const _bytes = stringToBytes2(data);
  const _this = {};
  _this.getMode = function() {
    return _mode;
  };
  _this.getLength = function(buffer) {
    return ~~(_bytes.length / 2);
  };
  _this.write = function(buffer) {
    const data2 = _bytes;
    let i2 = 0;
    while (i2 + 1 < data2.length) {
      let c = (255 & data2[i2]) << 8 | 255 & data2[i2 + 1];
      if (33088 <= c && c <= 40956) {
        c -= 33088;
      } else if (57408 <= c && c <= 60351) {
        c -= 49472;
      } else {
        throw "illegal char at " + (i2 + 1) + "/" + c;
      }
      c = (c >>> 8 & 255) * 192 + (c & 255);
      buffer.put(c, 13);
      i2 += 2;
    }
    if (i2 < data2.length) {
      throw "illegal char at " + (i2 + 1);
    }
  };
  return _this;
};
var byteArrayOutputStream = function() {
  const _bytes = [];
  const _this = {};
  _this.writeByte = function(b) {
    _bytes.push(b & 255);
  };
  _this.writeShort = function(i2) {
    _this.writeByte(i2);
    _this.writeByte(i2 >>> 8);
  };
  _this.writeBytes = function(b, off, len) {
    off = off || 0;
    len = len || b.length;
    for (let i2 = 0; i2 < len; i2 += 1) {
      _this.writeByte(b[i2 + off]);
    }
  };
  _this.writeString = function(s) {
    for (let i2 = 0; i2 < s.length; i2 += 1) {
      _this.writeByte(s.charCodeAt(i2));
    }
  };
  _this.toByteArray = function() {
    return _bytes;
  };
  _this.toString = function() {
    let s = "";
    s += "[";
    for (let i2 = 0; i2 < _bytes.length; i2 += 1) {
      if (i2 > 0) {
        s += ",";
      }
      s += _bytes[i2];
    }
    s += "]";
    return s;
  };
  return _this;
};
var base64EncodeOutputStream = function() {
  let _buffer = 0;
  let _buflen = 0;
  let _length = 0;
  let _base64 = "";
  const _this = {};
  const writeEncoded = function(b) {
    _base64 += String.fromCharCode(encode2(b & 63));
  };
  const encode2 = function(n) {
    if (n < 0) {
      throw "n:" + n;
    } else if (n < 26) {
      return 65 + n;
    } else if (n < 52) {
      return 97 + (n - 26);
    } else if (n < 62) {
      return 48 + (n - 52);
    } else if (n == 62) {
      return 43;
    } else if (n == 63) {
      return 47;
    } else {
      throw "n:" + n;
    }
  };
  _this.writeByte = function(n) {
    _buffer = _buffer << 8 | n & 255;
    _buflen += 8;
    _length += 1;
    while (_buflen >= 6) {
      writeEncoded(_buffer >>> _buflen - 6);
      _buflen -= 6;
    }
  };
  _this.flush = function() {
    if (_buflen > 0) {
      writeEncoded(_buffer << 6 - _buflen);
      _buffer = 0;
      _buflen = 0;
    }
    if (_length % 3 != 0) {
      const padlen = 3 - _length % 3;
      for (let i2 = 0; i2 < padlen; i2 += 1) {
        _base64 += "=";
      }
    }
  };
  _this.toString = function() {
    return _base64;
  };
  return _this;
};
var base64DecodeInputStream = function(str) {
  const _str = str;
  let _pos = 0;
  let _buffer = 0;
  let _buflen = 0;
  const _this = {};
  _this.read = function() {
    while (_buflen < 8) {
      if (_pos >= _str.length) {
        if (_buflen == 0) {
          return -1;
        }
        throw "unexpected end of file./" + _buflen;
      }
      const c = _str.charAt(_pos);
      _pos += 1;
      if (c == "=") {
        _buflen = 0;
        return -1;
      } else if (c.match(/^\s$/)) {
        continue;
      }
      _buffer = _buffer << 6 | decode2(c.charCodeAt(0));
      _buflen += 6;
    }
    const n = _buffer >>> _buflen - 8 & 255;
    _buflen -= 8;
    return n;
  };
  const decode2 = function(c) {
    if (65 <= c && c <= 90) {
      return c - 65;
    } else if (97 <= c && c <= 122) {
      return c - 97 + 26;
    } else if (48 <= c && c <= 57) {
      return c - 48 + 52;
    } else if (c == 43) {
      return 62;
    } else if (c == 47) {
      return 63;
    } else {
      throw "c:" + c;
    }
  };
  return _this;
};
var gifImage = function(width, height) {
  const _width = width;
  const _height = height;
  const _data = new Array(width * height);
  const _this = {};
  _this.setPixel = function(x2, y, pixel) {
    _data[y * _width + x2] = pixel;
  };
  _this.write = function(out) {
    out.writeString("GIF87a");
    out.writeShort(_width);
    out.writeShort(_height);
    out.writeByte(128);
    out.writeByte(0);
    out.writeByte(0);
    out.writeByte(0);
    out.writeByte(0);
    out.writeByte(0);
    out.writeByte(255);
    out.writeByte(255);
    out.writeByte(255);
    out.writeString(",");
    out.writeShort(0);
    out.writeShort(0);
    out.writeShort(_width);
    out.writeShort(_height);
    out.writeByte(0);
    const lzwMinCodeSize = 2;
    const raster = getLZWRaster(lzwMinCodeSize);
    out.writeByte(lzwMinCodeSize);
    let offset = 0;
    while (raster.length - offset > 255) {
      out.writeByte(255);
      out.writeBytes(raster, offset, 255);
      offset += 255;
    }
    out.writeByte(raster.length - offset);
    out.writeBytes(raster, offset, raster.length - offset);
    out.writeByte(0);
    out.writeString(";");
  };
  const bitOutputStream = function(out) {
    const _out = out;
    let _bitLength = 0;
    let _bitBuffer = 0;
    const _this2 = {};
    _this2.write = function(data, length) {
      if (data >>> length != 0) {
        throw "length over";
      }
      while (_bitLength + length >= 8) {
        _out.writeByte(255 & (data << _bitLength | _bitBuffer));
        length -= 8 - _bitLength;
        data >>>= 8 - _bitLength;
        _bitBuffer = 0;
        _bitLength = 0;
      }
      _bitBuffer = data << _bitLength | _bitBuffer;
      _bitLength = _bitLength + length;
    };
    _this2.flush = function() {
      if (_bitLength > 0) {
        _out.writeByte(_bitBuffer);
      }
    };
    return _this2;
  };
  const getLZWRaster = function(lzwMinCodeSize) {
    const clearCode = 1 << lzwMinCodeSize;
    const endCode = (1 << lzwMinCodeSize) + 1;
    let bitLength = lzwMinCodeSize + 1;
    const table2 = lzwTable();
    for (let i2 = 0; i2 < clearCode; i2 += 1) {
      table2.add(String.fromCharCode(i2));
    }
    table2.add(String.fromCharCode(clearCode));
    table2.add(String.fromCharCode(endCode));
    const byteOut = byteArrayOutputStream();
    const bitOut = bitOutputStream(byteOut);
    bitOut.write(clearCode, bitLength);
    let dataIndex = 0;
    let s = String.fromCharCode(_data[dataIndex]);
    dataIndex += 1;
    while (dataIndex < _data.length) {
      const c = String.fromCharCode(_data[dataIndex]);
      dataIndex += 1;
      if (table2.contains(s + c)) {
        s = s + c;
      } else {
        bitOut.write(table2.indexOf(s), bitLength);
        if (table2.size() < 4095) {
          if (table2.size() == 1 << bitLength) {
            bitLength += 1;
          }
          table2.add(s + c);
        }
        s = c;
      }
    }
    bitOut.write(table2.indexOf(s), bitLength);
    bitOut.write(endCode, bitLength);
    bitOut.flush();
    return byteOut.toByteArray();
  };
  const lzwTable = function() {
    const _map = {};
    let _size = 0;
    const _this2 = {};
    _this2.add = function(key) {
      if (_this2.contains(key)) {
        throw "dup key:" + key;
      }
      _map[key] = _size;
      _size += 1;
    };
    _this2.size = function() {
      return _size;
    };
    _this2.indexOf = function(key) {
      return _map[key];
    };
    _this2.contains = function(key) {
      return typeof _map[key] != "undefined";
    };
    return _this2;
  };
  return _this;
};
var createDataURL = function(width, height, getPixel) {
  const gif = gifImage(width, height);
  for (let y = 0; y < height; y += 1) {
    for (let x2 = 0; x2 < width; x2 += 1) {
      gif.setPixel(x2, y, getPixel(x2, y));
    }
  }
  const b = byteArrayOutputStream();
  gif.write(b);
  const base64 = base64EncodeOutputStream();
  const bytes = b.toByteArray();
  for (let i2 = 0; i2 < bytes.length; i2 += 1) {
    base64.writeByte(bytes[i2]);
  }
  base64.flush();
  return "data:image/gif;base64," + base64;
};
var qrcode_default = qrcode;
var stringToBytes = qrcode.stringToBytes;

// core/qr.ts
var ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;
function qrMatrix(text, ecc = "Q") {
  const qr = qrcode_default(0, ecc);
  qr.addData(text, ALPHANUMERIC.test(text) ? "Alphanumeric" : "Byte");
  qr.make();
  const size = qr.getModuleCount();
  const modules = new Array(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) modules[r * size + c] = qr.isDark(r, c);
  return { size, version: (size - 17) / 4, ecc, modules };
}

// server/pdf/qr-vector.ts
var MM = 72 / 25.4;
var QUIET_MODULES = 4;
var QR_MARK = "ITHCQR";
function qrOuterSize(text, symbolMm, ecc = "Q") {
  const matrix = qrMatrix(text, ecc);
  const module2 = symbolMm * MM / matrix.size;
  return { matrix, outer: module2 * (matrix.size + 2 * QUIET_MODULES), module: module2 };
}
function drawQr(page, text, x2, y, symbolMm, ecc = "Q") {
  if (!(symbolMm >= 10 && symbolMm <= 190)) throw new RangeError("a printed QR symbol is between 10 and 190 mm wide");
  const { matrix, outer, module: module2 } = qrOuterSize(text, symbolMm, ecc);
  const n = matrix.size;
  const ops = [(0, import_pdf_lib.beginMarkedContent)(QR_MARK), (0, import_pdf_lib.pushGraphicsState)(), (0, import_pdf_lib.setFillingGrayscaleColor)(1), (0, import_pdf_lib.rectangle)(x2, y, outer, outer), (0, import_pdf_lib.fill)(), (0, import_pdf_lib.setFillingGrayscaleColor)(0)];
  const x0 = x2 + QUIET_MODULES * module2;
  const yTop = y + outer - QUIET_MODULES * module2;
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!matrix.modules[r * n + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && matrix.modules[r * n + c]) c++;
      ops.push((0, import_pdf_lib.rectangle)(x0 + start * module2, yTop - (r + 1) * module2, (c - start) * module2, module2));
    }
  }
  ops.push((0, import_pdf_lib.fill)(), (0, import_pdf_lib.popGraphicsState)(), (0, import_pdf_lib.endMarkedContent)());
  page.pushOperators(...ops);
  return { matrix, x: x2, y, symbol: n * module2, module: module2, outer };
}

// server/pdf/certificate-pdf.ts
var MAIN_QR_MM = 70;
var DCC_QR_MM = 60;
var A4 = [210 * MM, 297 * MM];
var MARGIN = 15 * MM;
var INK = (0, import_pdf_lib2.rgb)(0, 0, 0);
var GREY = (0, import_pdf_lib2.rgb)(0.33, 0.33, 0.33);
var RULE = (0, import_pdf_lib2.rgb)(0.7, 0.7, 0.7);
var ACCENT = (0, import_pdf_lib2.rgb)(0.6, 0.05, 0.05);
var CST_OFFSET_MS = 8 * 3600 * 1e3;
function two(n) {
  return String(n).padStart(2, "0");
}
function ymdhm(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}
function formatInstant(seconds) {
  const ms = seconds * 1e3;
  return `${ymdhm(ms + CST_OFFSET_MS)} UTC+8 (${ymdhm(ms).slice(11)} UTC${ymdhm(ms).slice(0, 10) !== ymdhm(ms + CST_OFFSET_MS).slice(0, 10) ? " " + ymdhm(ms).slice(0, 10) : ""})`;
}
function formatAge(ms) {
  if (!(ms >= 0)) return null;
  const hours = Math.floor(ms / 36e5);
  const d = Math.floor(hours / 24), h = hours % 24;
  return d > 0 ? { zh: `${d} \u5929 ${h} \u5C0F\u65F6`, en: `${d} d ${h} h` } : { zh: `${h} \u5C0F\u65F6`, en: `${h} h` };
}
function certificateOfCode(code) {
  const st = decodeStages(code);
  if (st.error || st.format !== "ithc" || st.claims?.ithc === void 0) {
    throw new TypeError(`not an open ITHC code: ${st.error?.message ?? st.format ?? "no certificate claim"}`);
  }
  const r = readIthc(st.claims.ithc);
  if (!r.certificate) throw new TypeError(`the code's certificate is not readable: ${r.problems.join("; ")}`);
  return { certificate: r.certificate, iat: st.claims.iat, exp: st.claims.exp, kid: st.sign1?.kid };
}
function segments(text) {
  return text.match(/[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]+\s*|\s+/g) ?? [];
}
function wrapText(text, font, size, width) {
  const lines = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const seg of segments(para)) {
      const next = line + seg;
      if (line && font.widthOfTextAtSize(next.trimEnd(), size) > width) {
        lines.push(line.trimEnd());
        line = seg.trimStart();
        while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
          let cut = line.length - 1;
          while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
        }
      } else line = next;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
var Sheet = class {
  constructor(doc, fonts, lang) {
    this.doc = doc;
    this.fonts = fonts;
    this.lang = lang;
    this.newPage();
  }
  doc;
  fonts;
  lang;
  page;
  y = 0;
  pages = [];
  newPage() {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
  }
  /** "中文 English" or "English 中文", the chosen language first. */
  bi(zh, en, sep = " ") {
    return this.lang === "en" ? `${en}${sep}${zh}` : `${zh}${sep}${en}`;
  }
  ensure(height) {
    if (this.y - height < MARGIN + 12 * MM) this.newPage();
  }
  text(s, x2, y, size, opts = {}) {
    this.page.drawText(s, { x: x2, y, size, font: opts.bold ? this.fonts.bold : this.fonts.regular, color: opts.color ?? INK });
  }
  /** Wrapped text at the cursor; moves the cursor below it. */
  para(s, x2, width, size, opts = {}) {
    const font = opts.bold ? this.fonts.bold : this.fonts.regular;
    const lead = size * 1.35;
    for (const line of wrapText(s, font, size, width)) {
      this.ensure(lead);
      this.y -= lead;
      this.text(line, x2, this.y + size * 0.25, size, opts);
    }
    this.y -= opts.gap ?? 0;
  }
  /** A label column and a value column. */
  field(labelText, value, x2, width, labelWidth, size = 9.5, valueOpts = {}) {
    const vsize = valueOpts.size ?? size;
    const lead = Math.max(size, vsize) * 1.4;
    const labelLines = wrapText(labelText, this.fonts.regular, size - 1, labelWidth - 4);
    const valueLines = wrapText(value, valueOpts.bold ? this.fonts.bold : this.fonts.regular, vsize, width - labelWidth);
    const n = Math.max(labelLines.length, valueLines.length);
    this.ensure(n * lead);
    for (let i2 = 0; i2 < n; i2++) {
      this.y -= lead;
      if (labelLines[i2]) this.text(labelLines[i2], x2, this.y + size * 0.3, size - 1, { color: GREY });
      if (valueLines[i2]) this.text(valueLines[i2], x2 + labelWidth, this.y + size * 0.3, vsize, { bold: valueOpts.bold });
    }
  }
  rule(x2, width, color = RULE, thickness = 0.6) {
    this.y -= 4;
    this.page.drawLine({ start: { x: x2, y: this.y }, end: { x: x2 + width, y: this.y }, thickness, color });
    this.y -= 2;
  }
  heading(zh, en) {
    this.ensure(30);
    this.y -= 8;
    this.para(this.bi(zh, en, "  "), MARGIN, A4[0] - 2 * MARGIN, 11.5, { bold: true, color: ACCENT });
    this.rule(MARGIN, A4[0] - 2 * MARGIN);
  }
};
function holderName(c) {
  const h = c.holder;
  const native = `${h.surname ?? ""}${h.givenName ?? ""}`;
  const latin = [h.surnameLatin, h.givenNameLatin].filter(Boolean).join(" ").replace(/</g, " ");
  return { native, latin };
}
function both(zh, en, lang) {
  return zh === en ? en : lang === "en" ? `${en} / ${zh}` : `${zh} / ${en}`;
}
function valueLabel(set, code, lang) {
  return both(label(set, code, "zh"), label(set, code, "en"), lang);
}
async function renderCertificatePdf(input) {
  const lang = input.lang ?? "zh";
  const { certificate: c, iat, exp, kid } = certificateOfCode(input.ithc);
  const doc = await import_pdf_lib2.PDFDocument.create();
  doc.registerFontkit(fontkitForPdfLib);
  const fonts = {
    regular: await doc.embedFont(fontBytes("regular"), { subset: true }),
    bold: await doc.embedFont(fontBytes("bold"), { subset: true })
  };
  const printed = new Date(input.printedAt);
  doc.setTitle("\u56FD\u9645\u65C5\u884C\u5065\u5EB7\u8BC1\u660E / International Travel Health Certificate");
  doc.setSubject(c.id);
  doc.setCreator("ITHC");
  doc.setProducer("ITHC (pdf-lib)");
  doc.setCreationDate(printed);
  doc.setModificationDate(printed);
  doc.setLanguage(lang === "en" ? "en" : "zh-CN");
  const s = new Sheet(doc, fonts, lang);
  const qrs = [];
  const W = A4[0] - 2 * MARGIN;
  const bi = (zh, en) => s.bi(zh, en);
  const titles = lang === "en" ? ["International Travel Health Certificate", "\u56FD\u9645\u65C5\u884C\u5065\u5EB7\u8BC1\u660E"] : ["\u56FD\u9645\u65C5\u884C\u5065\u5EB7\u8BC1\u660E", "International Travel Health Certificate"];
  s.y -= 22;
  s.text(titles[0], MARGIN, s.y, lang === "en" ? 19 : 22, { bold: true });
  s.y -= 20;
  s.text(titles[1], MARGIN, s.y, lang === "en" ? 17 : 15, { bold: true });
  s.y -= 14;
  s.text(bi("\u4E2D\u534E\u4EBA\u6C11\u5171\u548C\u56FD", "People's Republic of China") + " \xB7 " + c.issuer, MARGIN, s.y, 9, { color: GREY });
  s.rule(MARGIN, W, INK, 1.2);
  const main = qrOuterSize(input.ithc, MAIN_QR_MM);
  const qrX = A4[0] - MARGIN - main.outer;
  const qrTop = s.y - 2;
  const placed = drawQr(s.page, input.ithc, qrX, qrTop - main.outer, MAIN_QR_MM);
  qrs.push({ page: 0, code: input.ithc, placed });
  const captionY = qrTop - main.outer - 10;
  const capW = main.outer;
  const cap1 = bi("\u626B\u7801\u6838\u9A8C\uFF08\u7EFC\u5408\u8BC1\u660E\uFF09", "Scan to verify (comprehensive)");
  const cap2 = `ITHC1 \xB7 QR ${placed.matrix.version}-Q \xB7 ${MAIN_QR_MM} mm`;
  s.text(cap1, qrX + (capW - fonts.regular.widthOfTextAtSize(cap1, 8.5)) / 2, captionY, 8.5, { color: GREY });
  s.text(cap2, qrX + (capW - fonts.regular.widthOfTextAtSize(cap2, 8)) / 2, captionY - 11, 8, { color: GREY });
  const colW = qrX - MARGIN - 6 * MM;
  const labelW = 30 * MM;
  const name = holderName(c);
  const h = c.holder;
  s.y -= 4;
  s.para(bi("\u6301\u8BC1\u4EBA", "Holder"), MARGIN, colW, 11.5, { bold: true, color: ACCENT });
  s.field(bi("\u59D3\u540D", "Name"), name.native || name.latin, MARGIN, colW, labelW, 9.5, { bold: true, size: 15 });
  if (name.native && name.latin) s.field("", name.latin, MARGIN, colW, labelW, 9.5, { bold: true, size: 12 });
  s.field(bi("\u51FA\u751F\u65E5\u671F", "Date of birth"), h.dateOfBirth, MARGIN, colW, labelW);
  s.field(bi("\u6027\u522B", "Sex"), both(ownLabel(SEXES, h.sex, "zh"), ownLabel(SEXES, h.sex, "en"), lang), MARGIN, colW, labelW);
  s.field(bi("\u56FD\u7C4D", "Nationality"), `${valueLabel("country", h.nationality, lang)} (${h.nationality})`, MARGIN, colW, labelW);
  s.field(bi("\u65C5\u884C\u8BC1\u4EF6", "Travel document"), `${both(ownLabel(TRAVEL_DOCUMENT_TYPES, h.documentType, "zh"), ownLabel(TRAVEL_DOCUMENT_TYPES, h.documentType, "en"), lang)}`, MARGIN, colW, labelW);
  s.field(bi("\u8BC1\u4EF6\u53F7\u7801", "Document No."), h.documentNumber, MARGIN, colW, labelW, 9.5, { bold: true, size: 11 });
  s.y -= 4;
  s.para(bi("\u8BC1\u660E", "Certificate"), MARGIN, colW, 11.5, { bold: true, color: ACCENT });
  s.field(bi("\u8BC1\u660E\u7F16\u53F7", "Certificate ID"), c.id, MARGIN, colW, labelW, 9.5, { size: 8.5 });
  s.field(bi("\u7B7E\u53D1\u673A\u6784", "Issued by"), c.issuer, MARGIN, colW, labelW);
  if (iat !== void 0) s.field(bi("\u7B7E\u53D1\u65F6\u95F4", "Issued"), formatInstant(iat), MARGIN, colW, labelW);
  if (exp !== void 0) {
    s.field(bi("\u7B7E\u540D\u6709\u6548\u671F\u81F3", "Signature valid until"), formatInstant(exp), MARGIN, colW, labelW, 9.5, { bold: true });
    s.field("", bi("\u6B64\u540E\u8BF7\u5728\u5C0F\u7A0B\u5E8F\u4E2D\u66F4\u65B0\u8BC1\u660E\uFF1B\u5404\u9879\u8BB0\u5F55\u7684\u65E5\u671F\u4E0D\u53D8\u3002", "After this date, refresh the certificate in the mini program; each record keeps its own date."), MARGIN, colW, labelW, 8, { size: 8 });
  }
  s.y = Math.min(s.y, captionY - 16);
  const ageAt = (sampleTime) => formatAge(input.printedAt - sampleTime * 1e3);
  const testValidity = bi("\u7ED3\u679C\u81EA\u91C7\u6837\u65F6\u95F4\u8D77\u7B97\uFF0C\u53EF\u63A5\u53D7\u591A\u4E45\u7531\u76EE\u7684\u5730\u5165\u5883\u89C4\u5B9A\u51B3\u5B9A\u3002", "Counts from the sample time; how long it is accepted is set by the destination\u2019s entry rules.");
  if (c.tests.length) {
    s.heading("\u6838\u9178\uFF08\u75C5\u6BD2\uFF09\u68C0\u6D4B", "Nucleic-acid (viral) tests");
    c.tests.forEach((t, i2) => {
      const type = t.testType === TEST_TYPE_NAAT ? bi("\u6838\u9178\u68C0\u6D4B", "nucleic-acid test (NAAT)") : valueLabel("testType", t.testType, lang);
      s.ensure(70);
      s.para(`${i2 + 1}. ${type} \u2014 ${valueLabel("testResult", t.result, lang)}`, MARGIN, W, 10, { bold: true });
      const age = ageAt(t.sampleTime);
      s.field(bi("\u91C7\u6837\u65F6\u95F4", "Sample time"), `${formatInstant(t.sampleTime)}${age ? " \xB7 " + bi(`\u6253\u5370\u65F6\u5DF2\u8FC7 ${age.zh}`, `${age.en} before printing`) : ""}`, MARGIN, W, labelW);
      if (t.testName) s.field(bi("\u68C0\u6D4B\u8BD5\u5242", "Test"), t.testName, MARGIN, W, labelW);
      if (t.device) s.field(bi("\u8BD5\u5242\u76D2", "Device"), valueLabel("testManufacturer", t.device, lang), MARGIN, W, labelW);
      s.field(bi("\u68C0\u6D4B\u673A\u6784", "Testing centre"), `${t.testingCentre} (${t.country})`, MARGIN, W, labelW);
      s.field(bi("\u7B7E\u53D1", "Issuer"), t.issuer, MARGIN, W, labelW);
      s.field(bi("\u6709\u6548\u6027", "Validity"), testValidity, MARGIN, W, labelW, 9.5, { size: 8.5 });
      s.y -= 3;
    });
  }
  if (c.antibodyTests.length) {
    s.heading("\u8840\u6E05 IgG \u6297\u4F53\u68C0\u6D4B", "Serum IgG antibody tests");
    c.antibodyTests.forEach((t, i2) => {
      const value = t.value !== void 0 ? ` \xB7 ${t.value} ${t.unit ?? ""}`.trimEnd() : "";
      s.ensure(70);
      s.para(`${i2 + 1}. ${both(ownLabel(IGG_RESULTS, t.result, "zh"), ownLabel(IGG_RESULTS, t.result, "en"), lang)}${value}`, MARGIN, W, 10, { bold: true });
      const age = ageAt(t.sampleTime);
      s.field(bi("\u91C7\u6837\u65F6\u95F4", "Sample time"), `${formatInstant(t.sampleTime)}${age ? " \xB7 " + bi(`\u6253\u5370\u65F6\u5DF2\u8FC7 ${age.zh}`, `${age.en} before printing`) : ""}`, MARGIN, W, labelW);
      s.field(bi("\u68C0\u6D4B\u65B9\u6CD5", "Method"), both(ownLabel(IGG_METHODS, t.method, "zh"), ownLabel(IGG_METHODS, t.method, "en"), lang), MARGIN, W, labelW);
      if (t.unit) s.field(bi("\u5355\u4F4D", "Unit"), both(ownLabel(IGG_UNITS, t.unit, "zh"), ownLabel(IGG_UNITS, t.unit, "en"), lang), MARGIN, W, labelW);
      if (t.testName || t.manufacturer) s.field(bi("\u68C0\u6D4B\u8BD5\u5242", "Assay"), [t.testName, t.manufacturer].filter(Boolean).join(" \xB7 "), MARGIN, W, labelW);
      s.field(bi("\u68C0\u6D4B\u673A\u6784", "Testing centre"), `${t.testingCentre} (${t.country})`, MARGIN, W, labelW);
      s.field(bi("\u7B7E\u53D1", "Issuer"), t.issuer, MARGIN, W, labelW);
      s.field(bi("\u6709\u6548\u6027", "Validity"), testValidity, MARGIN, W, labelW, 9.5, { size: 8.5 });
      s.y -= 3;
    });
  }
  if (c.vaccinations.length) {
    s.heading("\u75AB\u82D7\u63A5\u79CD", "Vaccinations");
    c.vaccinations.forEach((v, i2) => {
      s.ensure(60);
      s.para(`${i2 + 1}. ${bi(`\u7B2C ${v.doseNumber} \u5242\uFF08\u5171 ${v.totalDoses} \u5242\uFF09`, `dose ${v.doseNumber} of ${v.totalDoses}`)} \u2014 ${v.date}`, MARGIN, W, 10, { bold: true });
      s.field(bi("\u75AB\u82D7", "Vaccine"), valueLabel("vaccineProduct", v.product, lang), MARGIN, W, labelW);
      s.field(bi("\u7C7B\u578B", "Type"), valueLabel("vaccineProphylaxis", v.prophylaxis, lang), MARGIN, W, labelW);
      s.field(bi("\u751F\u4EA7\u4F01\u4E1A", "Manufacturer"), valueLabel("vaccineManufacturer", v.manufacturer, lang), MARGIN, W, labelW);
      s.field(bi("\u63A5\u79CD\u56FD\u5BB6", "Country"), `${valueLabel("country", v.country, lang)} (${v.country})`, MARGIN, W, labelW);
      s.field(bi("\u7B7E\u53D1", "Issuer"), v.issuer, MARGIN, W, labelW);
      s.y -= 3;
    });
  }
  s.heading("\u5982\u4F55\u6838\u9A8C", "How to verify");
  const kidText = kid ? ` (kid ${Buffer.from(kid).toString("base64")})` : "";
  s.para(`1. ${bi("\u7F51\u9875\u6838\u9A8C\uFF08\u4EFB\u4F55\u6D4F\u89C8\u5668\uFF0C\u9996\u6B21\u6253\u5F00\u540E\u53EF\u79BB\u7EBF\u4F7F\u7528\uFF09", "Web verifier (any browser; works offline after the first visit)")}: ${input.links.webVerifier}`, MARGIN, W, 9);
  s.para(`2. ${bi("\u4FE1\u4EFB\u5217\u8868\uFF08\u7B7E\u540D\u8BC1\u4E66\uFF09", "Trust list (signing certificates)")}${kidText}: ${input.links.trustList}`, MARGIN, W, 9);
  s.para(`3. ${bi("\u547D\u4EE4\u884C", "Command line")}: npx ithc verify --trust trustlist.json "<${bi("\u4E8C\u7EF4\u7801\u5185\u5BB9", "scanned code")}>"`, MARGIN, W, 9);
  s.para(
    bi(
      "\u4E8C\u7EF4\u7801\u7ECF\u53D1\u8BC1\u673A\u6784\u6570\u5B57\u7B7E\u540D\uFF08COSE/ES256\uFF09\u3002\u6838\u9A8C\u7B7E\u540D\u5373\u53EF\u786E\u8BA4\u5185\u5BB9\u672A\u88AB\u7BE1\u6539\uFF1B\u8BF7\u540C\u65F6\u6838\u5BF9\u6301\u8BC1\u4EBA\u7684\u65C5\u884C\u8BC1\u4EF6\u3002",
      "The QR is digitally signed by the issuer (COSE, ES256). A valid signature shows the content is unaltered; check it against the holder\u2019s travel document."
    ),
    MARGIN,
    W,
    8.5,
    { color: GREY }
  );
  drawPrintNotice(s, W);
  if (input.dcc?.length) drawDccPages(s, input.dcc, qrs);
  drawFooters(s, c.id, input.printedAt);
  const bytes = await doc.save({ useObjectStreams: true });
  return { bytes, pages: s.pages.length, qrs };
}
function drawPrintNotice(s, W) {
  s.ensure(52);
  s.y -= 10;
  const boxTop = s.y;
  s.y -= 2;
  s.para(
    s.bi("\u8BF7\u4EE5 100% \u5B9E\u9645\u5C3A\u5BF8\u6253\u5370\uFF0C\u4E0D\u8981\u9009\u62E9\u201C\u9002\u5408\u9875\u9762\u201D\u6216\u7F29\u653E\u3002", "Print at 100% (actual size). Do not use \u201Cfit to page\u201D or any scaling."),
    MARGIN + 4 * MM,
    W - 8 * MM,
    10,
    { bold: true }
  );
  s.para(s.bi("\u4E0B\u65B9\u6807\u5C3A\u6253\u5370\u540E\u5E94\u6B63\u597D 50 \u6BEB\u7C73\uFF1B\u7EFC\u5408\u8BC1\u660E\u4E8C\u7EF4\u7801\u5E94\u4E3A 70 \u6BEB\u7C73\u89C1\u65B9\u3002", "The bar below must measure exactly 50 mm on paper; the comprehensive QR must measure 70 mm."), MARGIN + 4 * MM, W - 8 * MM, 8.5);
  s.y -= 8;
  const x2 = MARGIN + 4 * MM;
  const page = s.page;
  page.drawRectangle({ x: x2, y: s.y, width: 50 * MM, height: 1.2 * MM, color: INK });
  for (let mm = 0; mm <= 50; mm += 10) page.drawLine({ start: { x: x2 + mm * MM, y: s.y }, end: { x: x2 + mm * MM, y: s.y - 2 * MM }, thickness: 0.5, color: INK });
  s.text("0", x2 - 1.5, s.y - 5.5 * MM, 7);
  s.text("50 mm", x2 + 50 * MM - 8, s.y - 5.5 * MM, 7);
  s.y -= 7 * MM;
  page.drawRectangle({ x: MARGIN, y: s.y, width: W, height: boxTop - s.y, borderColor: INK, borderWidth: 1 });
}
function drawDccPages(s, dcc, qrs) {
  const W = A4[0] - 2 * MARGIN;
  const perRow = 2;
  let col = 0;
  let rowTop = 0;
  let rowHeight = 0;
  s.newPage();
  s.y -= 6;
  s.para(s.bi("\u5355\u9879\u8BB0\u5F55\u4E8C\u7EF4\u7801\uFF08\u6B27\u76DF\u6570\u5B57\u65B0\u51A0\u8BC1\u4E66\u683C\u5F0F\uFF09", "Single-record codes (EU Digital COVID Certificate format)"), MARGIN, W, 13, { bold: true });
  s.para(
    s.bi(
      "\u53EA\u8BC6\u8BFB\u6B27\u76DF\u6570\u5B57\u65B0\u51A0\u8BC1\u4E66\uFF08HC1\uFF09\u7684\u6838\u9A8C\u65B9\u53EF\u626B\u63CF\u4EE5\u4E0B\u4E8C\u7EF4\u7801\uFF1B\u6BCF\u4E2A\u4E8C\u7EF4\u7801\u5355\u72EC\u7B7E\u540D\uFF0C\u5185\u5BB9\u4E0E\u7B2C 1 \u9875\u7684\u7EFC\u5408\u8BC1\u660E\u4E00\u81F4\u3002",
      "For verifiers that read only EU DCCs (HC1). Each code is signed on its own and repeats one record of the comprehensive certificate on page 1."
    ),
    MARGIN,
    W,
    9,
    { color: GREY }
  );
  s.rule(MARGIN, W);
  rowTop = s.y;
  dcc.forEach((d, i2) => {
    const size = qrOuterSize(d.code, DCC_QR_MM);
    const cell = W / perRow;
    if (col === 0) {
      if (i2 > 0) rowTop -= rowHeight;
      if (rowTop - (size.outer + 40) < MARGIN + 12 * MM) {
        s.newPage();
        rowTop = s.y - 6;
      }
      rowHeight = 0;
    }
    const x2 = MARGIN + col * cell + (cell - size.outer) / 2;
    const placed = drawQr(s.page, d.code, x2, rowTop - size.outer, DCC_QR_MM);
    qrs.push({ page: s.pages.length - 1, code: d.code, placed });
    const what = d.type === "t" ? s.bi("\u68C0\u6D4B", "Test") : s.bi("\u75AB\u82D7\u63A5\u79CD", "Vaccination");
    const lines = [`${what} \xB7 HC1 \xB7 ${DCC_QR_MM} mm`, d.uci, `${s.bi("\u7B7E\u540D\u6709\u6548\u671F\u81F3", "Signature valid until")} ${formatInstant(d.expiresAt)}`];
    let ty = rowTop - size.outer - 11;
    for (const [k, line] of lines.entries()) {
      const fs = k === 0 ? 9 : 7.5;
      const font = k === 0 ? s.fonts.bold : s.fonts.regular;
      for (const l of wrapText(line, font, fs, cell - 8)) {
        s.text(l, MARGIN + col * cell + (cell - font.widthOfTextAtSize(l, fs)) / 2, ty, fs, { bold: k === 0, color: k === 0 ? INK : GREY });
        ty -= fs * 1.4;
      }
    }
    rowHeight = Math.max(rowHeight, rowTop - ty + 10);
    col = (col + 1) % perRow;
  });
}
function drawFooters(s, id, printedAt) {
  const n = s.pages.length;
  s.pages.forEach((page, i2) => {
    const text = `${s.bi(`\u7B2C ${i2 + 1} \u9875\uFF0C\u5171 ${n} \u9875`, `Page ${i2 + 1} of ${n}`)} \xB7 ${s.bi("\u6253\u5370\u4E8E", "printed")} ${formatInstant(Math.floor(printedAt / 1e3))} \xB7 ${id}`;
    page.drawLine({ start: { x: MARGIN, y: MARGIN + 6 * MM }, end: { x: A4[0] - MARGIN, y: MARGIN + 6 * MM }, thickness: 0.4, color: RULE });
    page.drawText(text, { x: MARGIN, y: MARGIN + 2 * MM, size: 7.5, font: s.fonts.regular, color: GREY });
  });
}

// .tmp-explore/b.ts
(async () => {
  const c = JSON.parse((0, import_node_fs2.readFileSync)("/tmp/demo1/certificate.json", "utf8"));
  const t0 = Date.now();
  const pdf = await renderCertificatePdf({ ithc: c.codes.ithc, dcc: c.dcc, links: { trustList: "http://127.0.0.1:8787/trustlist", webVerifier: "http://127.0.0.1:8787/verify/" }, printedAt: Date.parse(c.issuedAt) + 36e5, lang: process.argv[2] ?? "zh" });
  console.log("ms", Date.now() - t0, "bytes", pdf.bytes.length, "pages", pdf.pages);
  (0, import_node_fs2.writeFileSync)("/tmp/explore/cert.pdf", pdf.bytes);
})();
