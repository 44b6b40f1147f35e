// SPDX-License-Identifier: MIT
// Writes the seed corpus of every fuzz target into <dir>/<target>/seed-*.
// Run once after changing it (scripts/fuzz.sh --seeds); the seeds are committed
// so the fuzz runs need nothing but this tree. Regression inputs found by
// fuzzing sit beside them as regress-*.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bitnet/gguf_writer.hpp"
#include "tiny_model.hpp"

namespace {

namespace fs = std::filesystem;
using bitnet::gguf::GgufWriter;

void write(const fs::path& dir, const std::string& name, const std::vector<uint8_t>& bytes) {
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void write_text(const fs::path& dir, const std::string& name, uint8_t flags, const std::string& text) {
    std::vector<uint8_t> b{flags};
    b.insert(b.end(), text.begin(), text.end());
    write(dir, name, b);
}

void write_ids(const fs::path& dir, const std::string& name, uint8_t flags, const std::vector<uint16_t>& ids) {
    std::vector<uint8_t> b{static_cast<uint8_t>(flags | 8)};
    for (uint16_t id : ids) {
        b.push_back(static_cast<uint8_t>(id & 0xff));
        b.push_back(static_cast<uint8_t>(id >> 8));
    }
    write(dir, name, b);
}

// Metadata of every value type, nested arrays, and one tensor of each loadable type.
std::vector<uint8_t> every_type_file() {
    GgufWriter w;
    w.set_string("general.architecture", "bitnet-b1.58");
    w.set_u32("general.alignment", 64);
    w.set_u8("t.u8", 1);
    w.set_i8("t.i8", -1);
    w.set_u16("t.u16", 2);
    w.set_i16("t.i16", -2);
    w.set_u32("t.u32", 3);
    w.set_i32("t.i32", -3);
    w.set_u64("t.u64", 4);
    w.set_i64("t.i64", -4);
    w.set_f32("t.f32", 0.5f);
    w.set_f64("t.f64", 0.25);
    w.set_bool("t.bool", true);
    w.set_string("t.str", "text");
    w.set_string_array("t.strs", {"a", "bc", ""});
    w.set_f32_array("t.f32s", {1.0f, -2.0f});
    w.set_i32_array("t.i32s", {1, -2, 3});
    bitnet::gguf::Value inner;
    inner.type = bitnet::gguf::ValueType::Array;
    inner.array_type = bitnet::gguf::ValueType::U8;
    inner.data = bitnet::gguf::Array{};
    bitnet::gguf::Value outer;
    outer.type = bitnet::gguf::ValueType::Array;
    outer.array_type = bitnet::gguf::ValueType::Array;
    outer.data = bitnet::gguf::Array{inner, inner};
    w.set_value("t.nested", outer);
    w.add_tensor("f32", {4, 2}, 0, std::vector<uint8_t>(32, 0x3f));
    w.add_tensor("f16", {8}, 1, std::vector<uint8_t>(16, 0x3c));
    std::vector<int8_t> tern(128, 1);
    w.add_tensor("i2s", {128, 1}, 36, bitnet::gguf::pack_i2s(tern.data(), 1, 128, 1.0f));
    return w.serialize();
}

std::vector<uint8_t> bpe_vocab_file(const std::string& pre) {
    GgufWriter w;
    w.set_string("general.architecture", "bitnet-b1.58");
    w.set_string("tokenizer.ggml.model", "gpt2");
    if (!pre.empty()) w.set_string("tokenizer.ggml.pre", pre);
    // Byte-level tokens: "Ġ" is the mapped space.
    w.set_string_array("tokenizer.ggml.tokens",
                       {"<|begin_of_text|>", "<|eot_id|>", "H", "e", "l", "o", "\xC4\xA0", "w", "r", "d", "He", "ll",
                        "Hell", "Hello", "\xC4\xA0w", "!", "1", "2"});
    w.set_i32_array("tokenizer.ggml.token_type", {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    w.set_string_array("tokenizer.ggml.merges", {"H e", "l l", "He ll", "Hell o", "\xC4\xA0 w"});
    w.set_u32("tokenizer.ggml.bos_token_id", 0);
    w.set_u32("tokenizer.ggml.eos_token_id", 1);
    return w.serialize();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make-seed-corpus DIR\n";
        return 2;
    }
    const fs::path root = argv[1];
    using bitnet::test::TinyModelSpec;
    using bitnet::test::tiny_model_writer;

    const auto tiny = tiny_model_writer().serialize();
    TinyModelSpec untied;
    untied.tied_output = false;
    untied.n_head_kv = 4;
    TinyModelSpec b25;
    b25.architecture = "bitnet-25";
    b25.with_vocabulary = false;

    write(root / "gguf", "seed-every-type.gguf", every_type_file());
    write(root / "gguf", "seed-tiny-model.gguf", tiny);
    GgufWriter empty;
    write(root / "gguf", "seed-empty.gguf", empty.serialize());

    write(root / "model", "seed-tiny-tied.gguf", tiny);
    write(root / "model", "seed-tiny-untied.gguf", tiny_model_writer(untied).serialize());
    write(root / "model", "seed-bitnet-25.gguf", tiny_model_writer(b25).serialize());

    GgufWriter spm;
    bitnet::test::add_vocabulary(spm, 16);
    write(root / "vocab", "seed-spm.gguf", spm.serialize());
    write(root / "vocab", "seed-bpe-llama.gguf", bpe_vocab_file("llama-bpe"));
    write(root / "vocab", "seed-bpe-default.gguf", bpe_vocab_file("default"));
    write(root / "vocab", "seed-bpe-nopre.gguf", bpe_vocab_file(""));

    for (const char* target : {"spm", "bpe"}) {
        const fs::path d = root / target;
        write_text(d, "seed-story", 1, "Once upon a time, there was a little dog named Max.");
        write_text(d, "seed-specials", 3, "<s>Hi</s> <|begin_of_text|>User: x<|eot_id|>Assistant: ");
        write_text(d, "seed-unicode", 2, "na\xC3\xAFve caf\xC3\xA9 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80 \xE2\x96\x81");
        write_text(d, "seed-invalid-utf8", 0, std::string("\xFF\xC0\x80 \xED\xA0\x80 \xF4\x90\x80\x80 x\xE2\x82", 17));
        write_text(d, "seed-spaces", 0, "   leading  and\ttabs\n\nnewlines   ");
        write_text(d, "seed-numbers", 0, "12345678 3.14159 1,000,000 don't I'm we've");
        write_ids(d, "seed-ids", 4, {1, 2, 3, 100, 500, 1000, 65535, 0});
    }
    std::cout << "seeds written under " << root << "\n";
    return 0;
}
