#include "cli/cli.h"

#include <iostream>

#include "cli/context.h"
#include "cli/sim_command.h"
#include "common/version.h"

namespace im::cli {

int Main(int argc, char** argv) {
  CLI::App root{"im: incident management — one record of every incident, from every source"};
  root.set_version_flag("--version", "im " + std::string(kVersion));
  root.require_subcommand(1);
  root.fallthrough();
  GlobalOptions g;
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
    std::cerr << "error: " << e.what()
              << "\n(run `im --help` or `im <command> --help` for usage)\n";
    return 2;
  }
  return g.exit_code;
}

}  // namespace im::cli
