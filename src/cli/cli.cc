#include "cli/cli.h"

#include <algorithm>
#include <iostream>
#include <optional>

#include "cli/context.h"
#include "cli/sim_command.h"
#include "common/version.h"

namespace im::cli {
namespace {

// The message for a word of argv that names no command where a command is expected ("im foo",
// "im connector frob"), or nothing. CLI11 says only "A subcommand is required" then.
std::optional<std::string> UnknownCommand(CLI::App& root, int argc, char** argv) {
  CLI::App* app = &root;
  std::string path = "im";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") return std::nullopt;
    if (arg.size() > 1 && arg.front() == '-') {
      if (arg.find('=') != std::string::npos) continue;
      // An option of this command or an enclosing one that takes a value eats the next word.
      for (CLI::App* a = app; a != nullptr; a = a->get_parent()) {
        if (auto* opt = a->get_option_no_throw(arg)) {
          if (opt->get_items_expected_min() > 0) ++i;
          break;
        }
      }
      continue;
    }
    auto all = app->get_subcommands([](CLI::App*) { return true; });
    auto sub =
        std::find_if(all.begin(), all.end(), [&](CLI::App* s) { return s->check_name(arg); });
    if (sub != all.end()) {
      app = *sub;
      path += " " + app->get_name();
      continue;
    }
    bool takes_words =
        !app->get_options([](CLI::Option* o) { return o->get_positional(); }).empty();
    if (all.empty() || takes_words) return std::nullopt;
    std::vector<std::string> names;
    for (auto* s : all) names.push_back(s->get_name());
    std::sort(names.begin(), names.end());
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return "unknown command '" + arg + "': `" + path + "` has these commands: " + list + " (see `" +
           path + " --help`)";
  }
  return std::nullopt;
}

}  // namespace

void AddDbCommands(CLI::App& root, GlobalOptions& g);  // db_commands.cc

int Main(int argc, char** argv, const app::BuildVariant& variant) {
  CLI::App root{"im: incident management — one record of every incident, from every source"};
  root.set_version_flag("--version", "im " + std::string(kVersion));
  root.require_subcommand(1);
  root.fallthrough();
  GlobalOptions g;
  g.variant = variant;
  root.add_option("--data-dir", g.data_dir,
                  "Data directory (default ~/.local/share/im; IM_DATA_DIR)");
  root.add_option("--config", g.config_file, "YAML config file (IM_CONFIG)");
  root.add_option("--as", g.actor, "Act as this person (email; IM_ACTOR)");
  root.add_option("--log-level", g.log_level, "trace, debug, info, warn, error");
  root.add_flag("--json", g.json, "Print JSON instead of tables");

  AddIncidentCommands(root, g);
  AddServiceCommands(root, g);
  AddTokenCommands(root, g);
  AddServeCommand(root, g);
  AddLogsCommand(root, g);
  AddOncallCommands(root, g);
  AddConnectorCommands(root, g);
  AddDeployCommands(root, g);
  AddMetricsCommands(root, g);
  AddReportCommand(root, g);
  AddMonitorCommands(root, g);
  AddChannelCommands(root, g);
  AddNotifyCommands(root, g);
  AddIntegrationCommands(root, g);
  AddDbCommands(root, g);
  AddSimCommand(root);

  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return root.exit(e);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command that already printed its own error
  } catch (const CLI::ParseError& e) {
    if (auto unknown = UnknownCommand(root, argc, argv)) {
      std::cerr << "error: " << *unknown << "\n";
      return 2;
    }
    std::cerr << "error: " << e.what()
              << "\n(run `im --help` or `im <command> --help` for usage)\n";
    return 2;
  }
  return g.exit_code;
}

}  // namespace im::cli
