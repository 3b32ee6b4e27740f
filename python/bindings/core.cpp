// samplemind._core: the pybind11 binding of the C++ core. The only file that
// includes pybind11. Lifetimes and the GIL are the only concerns here:
// inputs are checked and outputs allocated with the GIL held; the core runs with
// the GIL released and touches no Python object.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include <chrono>
#include <complex>

#include "samplemind/samplemind.hpp"

namespace py = pybind11;
using namespace samplemind;
using JsonDict = py::typing::Dict<py::str, py::object>;

namespace {

template <typename T>
py::array_t<T> to_array(const std::vector<T>& values, std::vector<py::ssize_t> shape = {}) {
    if (shape.empty()) shape = {static_cast<py::ssize_t>(values.size())};
    py::array_t<T> array(shape);
    std::copy(values.begin(), values.end(), array.mutable_data());
    return array;
}

py::dict stats_dict(const SummaryStats& s) {
    py::dict d;
    d["mean"] = s.mean;
    d["std"] = s.std;
    d["min"] = s.min;
    d["max"] = s.max;
    return d;
}

template <typename T>
py::object optional_value(const std::optional<T>& value) {
    return value ? py::cast(*value) : py::none();
}

py::dict metadata_dict(const Metadata& metadata) {
    py::dict d;
    d["tempo_bpm"] = optional_value(metadata.tempo_bpm);
    d["key"] = optional_value(metadata.key);
    d["root_note"] = optional_value(metadata.root_note);
    d["is_loop"] = optional_value(metadata.is_loop);
    d["beats"] = optional_value(metadata.beats);
    py::list loops;
    for (const LoopPoints& loop : metadata.loops) loops.append(py::make_tuple(loop.start_frame, loop.end_frame));
    d["loops"] = loops;
    py::dict tags;
    for (const auto& [name, value] : metadata.tags) tags[py::str(name)] = value;
    d["tags"] = tags;
    d["sources"] = metadata.sources;
    return d;
}

py::dict info_dict(const AudioInfo& info) {
    py::dict d;
    d["sample_rate"] = info.sample_rate;
    d["channels"] = info.channels;
    d["frames"] = info.frames;
    d["duration_s"] = info.duration_s;
    d["container"] = info.container;
    d["sample_format"] = info.sample_format;
    d["bit_depth"] = info.bit_depth;
    d["decoder"] = info.decoder;
    d["truncated"] = info.truncated;
    return d;
}

py::dict frames_dict(const FrameTracks& t, std::size_t n_frames) {
    const auto rows = static_cast<py::ssize_t>(n_frames);
    auto matrix = [rows](const std::vector<float>& v) {
        const py::ssize_t cols = rows ? static_cast<py::ssize_t>(v.size()) / rows : 0;
        return to_array(v, {rows, cols});
    };
    py::dict d;
    d["centroid_hz"] = to_array(t.centroid_hz);
    d["bandwidth_hz"] = to_array(t.bandwidth_hz);
    d["rolloff_hz"] = to_array(t.rolloff_hz);
    d["flatness"] = to_array(t.flatness);
    d["flux"] = to_array(t.flux);
    d["zcr"] = to_array(t.zcr);
    d["rms"] = to_array(t.rms);
    d["contrast_db"] = matrix(t.contrast_db);
    d["mel_db"] = matrix(t.mel_db);
    d["mfcc"] = matrix(t.mfcc);
    d["pitch_classes"] = matrix(t.pitch_classes);
    d["harmonicity"] = to_array(t.harmonicity);
    d["onset_strength"] = to_array(t.onset_strength);
    const auto candidates = static_cast<py::ssize_t>(t.tempo_candidate_bpm.size());
    py::dict tempo;
    tempo["bpm"] = to_array(t.tempo_candidate_bpm);
    tempo["evidence"] = to_array(t.tempo_candidate_evidence, {candidates, static_cast<py::ssize_t>(t.tempo_terms.size())});
    tempo["terms"] = t.tempo_terms;
    d["tempo_candidates"] = tempo;
    return d;
}

JsonDict analysis_dict(const Analysis& a) {
    py::dict level;
    level["peak_dbfs"] = a.level.peak_dbfs;
    level["rms_dbfs"] = a.level.rms_dbfs;
    level["dc_offset"] = a.level.dc_offset;
    level["clipped_samples"] = a.level.clipped_samples;
    level["leading_silence_s"] = a.level.leading_silence_s;
    level["trailing_silence_s"] = a.level.trailing_silence_s;
    level["non_finite_samples"] = a.level.non_finite_samples;
    py::dict spectral;
    spectral["centroid_hz"] = stats_dict(a.spectral.centroid_hz);
    spectral["bandwidth_hz"] = stats_dict(a.spectral.bandwidth_hz);
    spectral["rolloff_hz"] = stats_dict(a.spectral.rolloff_hz);
    spectral["flatness"] = stats_dict(a.spectral.flatness);
    spectral["flux"] = stats_dict(a.spectral.flux);
    spectral["zcr"] = stats_dict(a.spectral.zcr);
    spectral["rms"] = stats_dict(a.spectral.rms);
    py::list contrast;
    for (const auto& s : a.spectral.contrast_db) contrast.append(stats_dict(s));
    spectral["contrast_db"] = contrast;
    py::dict d;
    d["path"] = a.path;
    d["info"] = info_dict(a.info);
    d["metadata"] = metadata_dict(a.metadata);
    d["analysis_sample_rate"] = a.analysis_sample_rate;
    d["n_frames"] = a.n_frames;
    d["level"] = level;
    d["spectral"] = spectral;
    d["mel_mean_db"] = to_array(a.mel_mean_db);
    d["mfcc_mean"] = to_array(a.mfcc_mean);
    d["mfcc_std"] = to_array(a.mfcc_std);
    d["frames"] = a.frames ? py::object(frames_dict(*a.frames, static_cast<std::size_t>(a.n_frames))) : py::none();
    d["loudness_lufs"] = a.loudness.integrated_lufs;
    d["true_peak_dbtp"] = a.loudness.true_peak_dbtp;
    d["loudness_range_lu"] = a.loudness.loudness_range_lu ? py::object(py::float_(*a.loudness.loudness_range_lu)) : py::none();
    const EnvelopeStats& e = a.envelope;
    d["attack_time_s"] = e.attack_time_s;
    d["log_attack_time"] = e.log_attack_time;
    d["decay_time_s"] = e.decay_time_s;
    d["temporal_centroid_s"] = e.temporal_centroid_s;
    d["effective_duration_s"] = e.effective_duration_s;
    d["onset_times_s"] = e.onset_times_s;
    d["is_loop"] = e.is_loop;
    d["is_loop_confidence"] = e.is_loop_confidence;
    const PitchStats& p = a.pitch;
    d["pitch_hz"] = p.pitched ? py::object(py::float_(p.f0_hz)) : py::none();
    d["pitch_note"] = p.pitched ? py::object(py::str(p.note)) : py::none();
    d["pitch_cents"] = p.pitched ? py::object(py::float_(p.cents)) : py::none();
    d["pitch_confidence"] = p.confidence;
    const TonalityStats& t = a.tonality;
    d["chroma_mean"] = to_array(t.chroma_mean);
    d["pitch_class_profile"] = to_array(t.pitch_class_profile);
    d["tuning_cents"] = t.tuning_cents;
    d["key"] = t.key.empty() ? py::none() : py::object(py::str(t.key));
    d["key_strength"] = t.key_strength;
    d["key_confidence"] = t.key_confidence;
    d["runner_up_key"] = t.runner_up_key.empty() ? py::none() : py::object(py::str(t.runner_up_key));
    d["runner_up_key_strength"] = t.runner_up_strength;
    const RhythmStats& r = a.rhythm;
    d["tempo_bpm"] = r.tempo_bpm > 0 ? py::object(py::float_(r.tempo_bpm)) : py::none();
    d["tempo_confidence"] = r.tempo_confidence;
    d["runner_up_tempo_bpm"] = r.runner_up_bpm > 0 ? py::object(py::float_(r.runner_up_bpm)) : py::none();
    d["beats_in_length"] = r.beats_in_length;
    d["loop_fits_tempo"] = r.loop_fits_tempo;
    d["beat_times_s"] = r.beat_times_s;
    const CategoryStats& c = a.category;
    d["category"] = c.category;
    d["category_family"] = c.family.empty() ? py::none() : py::object(py::str(c.family));
    d["category_confidence"] = c.confidence;
    py::list top;
    for (const auto& [name, probability] : c.top) top.append(py::make_tuple(name, probability));
    d["categories"] = top;
    d["embedding"] = to_array(a.embedding);
    return JsonDict(std::move(d));
}

JsonDict progress_dict(const BatchProgress& p) {
    py::dict d;
    d["total"] = p.total;
    d["done"] = p.done;
    d["failed"] = p.failed;
    d["bytes"] = p.bytes;
    d["audio_seconds"] = p.audio_seconds;
    d["current_file"] = p.current_file;
    d["cancelled"] = p.cancelled;
    d["finished"] = p.finished;
    return JsonDict(std::move(d));
}

JsonDict running_dict(const RunningDescriptors& r) {
    py::dict d;
    d["frames_pushed"] = r.frames_pushed;
    d["seconds_pushed"] = r.seconds_pushed;
    d["peak_dbfs"] = r.peak_dbfs;
    d["rms_dbfs"] = r.rms_dbfs;
    d["stft_frames"] = r.stft_frames;
    d["last_centroid_hz"] = r.last_centroid_hz;
    d["last_rms"] = r.last_rms;
    d["momentary_lufs"] = r.momentary_lufs;
    d["pitch_hz"] = r.pitch_hz;
    d["pitch_confidence"] = r.pitch_confidence;
    d["onset_count"] = r.onset_count;
    d["last_onset_s"] = r.last_onset_s;
    return JsonDict(std::move(d));
}

// (index, analysis dict or None, error code name, reason) for one file's outcome.
using ResultTuple = py::typing::Tuple<py::int_, py::typing::Optional<JsonDict>, py::str, py::str>;
ResultTuple file_result_tuple(const FileResult& r) {
    if (r.ok) return ResultTuple(py::make_tuple(r.index, analysis_dict(r.analysis), "", ""));
    return ResultTuple(py::make_tuple(r.index, py::none(), error_code_name(r.code), r.reason));
}

// Raises the Python exception class samplemind._exceptions maps the code to.
void translate_error(const Error& error) {
    py::object make = py::module_::import("samplemind._exceptions").attr("_from_core");
    py::object exception = make(error_code_name(error.code()), error.path(), error.reason());
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exception.ptr())), exception.ptr());
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "SampleMind's C++ core. Use the samplemind package, not this module.";
    m.attr("__version__") = samplemind::version;
    m.attr("EMBEDDING_VERSION") = kEmbeddingVersion;
    m.attr("CATEGORY_MODEL_VERSION") = kCategoryModelVersion;
    m.def("category_vocabulary", [] {
        py::typing::List<py::typing::Tuple<py::str, py::str>> out;  // (name, family) in the model's order
        for (const CategoryName& c : category_vocabulary()) out.append(py::make_tuple(std::string(c.name), std::string(c.family)));
        return out;
    });
    m.def("embedding_aspects", [] {
        py::typing::Dict<py::str, py::typing::Tuple<py::int_, py::int_, py::float_>> aspects;  // name -> (offset, size, weight)
        for (const EmbeddingAspect& aspect : embedding_aspects()) {
            aspects[py::str(aspect.name)] = py::make_tuple(aspect.offset, aspect.size, aspect.weight);
        }
        return aspects;
    });

    py::register_exception_translator([](std::exception_ptr pointer) {
        try {
            if (pointer) std::rethrow_exception(pointer);
        } catch (const Error& error) {
            translate_error(error);
        }
    });

    m.def("set_stage_timing", &set_stage_timing, py::arg("enabled"));
    m.def("reset_stage_timing", &reset_stage_timing);
    m.def("stage_seconds", [] {
        py::typing::Dict<py::str, py::float_> seconds;
        const auto values = stage_seconds();
        for (int i = 0; i < kStageCount; ++i) {
            seconds[py::str(std::string(stage_name(static_cast<Stage>(i))))] = values[static_cast<std::size_t>(i)];
        }
        return seconds;
    });

    py::class_<AnalysisConfig>(m, "AnalysisConfig")
        .def(py::init<>())
        .def_readwrite("sample_rate", &AnalysisConfig::sample_rate)
        .def_readwrite("n_fft", &AnalysisConfig::n_fft)
        .def_readwrite("hop_length", &AnalysisConfig::hop_length)
        .def_readwrite("n_mels", &AnalysisConfig::n_mels)
        .def_readwrite("n_mfcc", &AnalysisConfig::n_mfcc)
        .def_readwrite("fmin", &AnalysisConfig::fmin)
        .def_readwrite("fmax", &AnalysisConfig::fmax)
        .def_readwrite("top_db", &AnalysisConfig::top_db)
        .def_readwrite("rolloff_percent", &AnalysisConfig::rolloff_percent)
        .def_readwrite("contrast_fmin", &AnalysisConfig::contrast_fmin)
        .def_readwrite("contrast_bands", &AnalysisConfig::contrast_bands)
        .def_readwrite("contrast_quantile", &AnalysisConfig::contrast_quantile)
        .def_readwrite("silence_threshold_db", &AnalysisConfig::silence_threshold_db)
        .def_readwrite("max_duration_s", &AnalysisConfig::max_duration_s)
        .def_readwrite("keep_frames", &AnalysisConfig::keep_frames)
        .def("validate", &AnalysisConfig::validate)
        .def("fingerprint", &AnalysisConfig::fingerprint);

    m.def(
        "analyze_file",
        [](const std::string& path, const AnalysisConfig& config, const std::string& sndfile_path) {
            DecodeOptions options;
            options.sndfile_path = sndfile_path;
            Analysis analysis;
            {
                py::gil_scoped_release release;
                analysis = analyze_file(path, config, options);
            }
            return analysis_dict(analysis);
        },
        py::arg("path"), py::arg("config"), py::arg("sndfile_path"));

    m.def(
        "read_metadata",
        [](const std::string& path) {
            Metadata metadata;
            {
                py::gil_scoped_release release;
                metadata = read_metadata(path);
            }
            return JsonDict(metadata_dict(metadata));
        },
        py::arg("path"));

    // For the category model's training script: the analysis and the model's input.
    m.def(
        "analyze_file_with_model_features",
        [](const std::string& path, const AnalysisConfig& config, const std::string& sndfile_path) {
            DecodeOptions options;
            options.sndfile_path = sndfile_path;
            Analysis analysis;
            std::vector<float> features;
            {
                py::gil_scoped_release release;
                analysis = analyze_file(path, config, options);
                features = model_features(analysis);
            }
            return py::make_tuple(analysis_dict(analysis), to_array(features));
        },
        py::arg("path"), py::arg("config"), py::arg("sndfile_path"));

    m.def(
        "analyze_buffer",
        [](py::array_t<float, py::array::c_style> samples, double sample_rate, const AnalysisConfig& config) {
            if (samples.ndim() != 2) throw std::invalid_argument("samples must be 2-D (frames, channels)");
            const auto channels = static_cast<int>(samples.shape(1));
            std::span<const float> view(samples.data(), static_cast<std::size_t>(samples.size()));
            Analysis analysis;
            {
                // `samples` stays referenced by this frame, so the buffer outlives the call.
                py::gil_scoped_release release;
                analysis = analyze_buffer(view, sample_rate, channels, config);
            }
            return analysis_dict(analysis);
        },
        py::arg("samples").noconvert(), py::arg("sample_rate"), py::arg("config"));

    // One analyser per stream; the GIL is released while it computes, so a stream must
    // not be pushed from two threads at once (the Python wrapper holds a lock).
    py::class_<StreamingAnalyzer>(m, "StreamingAnalyzer")
        .def(py::init<const AnalysisConfig&, double, int>(), py::arg("config"), py::arg("sample_rate"),
             py::arg("channels"))
        .def(
            "push",
            [](StreamingAnalyzer& analyzer, py::array_t<float, py::array::c_style> interleaved) {
                std::span<const float> view(interleaved.data(), static_cast<std::size_t>(interleaved.size()));
                py::gil_scoped_release release;
                analyzer.push(view);
            },
            py::arg("interleaved").noconvert())
        .def("running", [](const StreamingAnalyzer& analyzer) { return running_dict(analyzer.running()); })
        .def("finish", [](StreamingAnalyzer& analyzer) {
            Analysis analysis;
            {
                py::gil_scoped_release release;
                analysis = analyzer.finish();
            }
            return analysis_dict(analysis);
        });

    py::class_<BatchJob, std::shared_ptr<BatchJob>>(m, "BatchJob")
        .def("progress", [](const BatchJob& job) { return progress_dict(job.progress()); })
        .def("cancel", &BatchJob::cancel)
        .def(
            "take_completed",
            [](BatchJob& job, double timeout_s) {
                std::vector<FileResult> results;
                {
                    py::gil_scoped_release release;
                    results = job.take_completed(std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
                }
                py::typing::List<ResultTuple> out;
                for (const FileResult& result : results) out.append(file_result_tuple(result));
                return out;
            },
            py::arg("timeout_s"))
        .def("wait", &BatchJob::wait, py::call_guard<py::gil_scoped_release>());

    // Workers never touch Python objects, so the scheduler may be destroyed (joining
    // them) with the GIL held. A job keeps its scheduler alive (keep_alive<0, 1>).
    py::class_<BatchScheduler>(m, "BatchScheduler")
        .def(py::init<int>(), py::arg("workers") = 0)
        .def_property_readonly("workers", &BatchScheduler::workers)
        .def(
            "submit",
            [](BatchScheduler& scheduler, std::vector<std::string> paths, const AnalysisConfig& config,
               const std::string& sndfile_path) {
                DecodeOptions options;
                options.sndfile_path = sndfile_path;
                return scheduler.submit(std::move(paths), config, options);
            },
            py::arg("paths"), py::arg("config"), py::arg("sndfile_path"), py::keep_alive<0, 1>());

    m.def(
        "decode_file",
        [](const std::string& path, const std::string& sndfile_path) {
            DecodeOptions options;
            options.sndfile_path = sndfile_path;
            DecodedAudio decoded;
            {
                py::gil_scoped_release release;
                decoded = decode_file(path, options);
            }
            const auto frames = static_cast<py::ssize_t>(decoded.info.frames);
            return py::typing::Tuple<py::array_t<float>, JsonDict>(
                py::make_tuple(to_array(decoded.samples, {frames, decoded.info.channels}), JsonDict(info_dict(decoded.info))));
        },
        py::arg("path"), py::arg("sndfile_path"));

    m.def(
        "compute_waveform",
        [](const std::string& path, int width, const std::string& sndfile_path) {
            DecodeOptions options;
            options.sndfile_path = sndfile_path;
            Waveform waveform;
            {
                py::gil_scoped_release release;
                waveform = compute_waveform(path, width, options);
            }
            py::dict out;
            out["min"] = to_array(waveform.min);
            out["max"] = to_array(waveform.max);
            out["duration_s"] = waveform.duration_s;
            out["sample_rate"] = waveform.sample_rate;
            return JsonDict(out);
        },
        py::arg("path"), py::arg("width"), py::arg("sndfile_path"));

    m.def(
        "rfft",
        [](py::array_t<float, py::array::c_style> input) {
            if (input.ndim() < 1 || input.shape(input.ndim() - 1) < 1) throw std::invalid_argument("input must be at least 1-D");
            const auto n = static_cast<std::size_t>(input.shape(input.ndim() - 1));
            const std::size_t rows = static_cast<std::size_t>(input.size()) / n;
            std::vector<py::ssize_t> shape(input.shape(), input.shape() + input.ndim());
            shape.back() = static_cast<py::ssize_t>(n / 2 + 1);
            py::array_t<std::complex<float>> output(shape);
            const float* in = input.data();
            std::complex<float>* out = output.mutable_data();
            {
                py::gil_scoped_release release;
                rfft(in, out, n, rows);
            }
            return output;
        },
        py::arg("input").noconvert());

    m.def(
        "mel_filterbank",
        [](double sample_rate, int n_fft, int n_mels, double fmin, double fmax) {
            const auto weights = mel_filterbank(sample_rate, n_fft, n_mels, fmin, fmax);
            return to_array(weights, {n_mels, n_fft / 2 + 1});
        },
        py::arg("sample_rate"), py::arg("n_fft"), py::arg("n_mels"), py::arg("fmin"), py::arg("fmax"));

    m.def(
        "resample",
        [](py::array_t<float, py::array::c_style> input, double in_rate, double out_rate) {
            if (input.ndim() != 1) throw std::invalid_argument("input must be 1-D");
            const float* data = input.data();
            const auto length = static_cast<std::size_t>(input.size());
            std::vector<float> output;
            {
                py::gil_scoped_release release;
                output = resample(data, length, in_rate, out_rate);
            }
            return to_array(output);
        },
        py::arg("input").noconvert(), py::arg("in_rate"), py::arg("out_rate"));
}
