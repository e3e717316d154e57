#!/usr/bin/env python3
"""A foreign client lists siren's tasks: Python grpcio and protobuf with server reflection, no stubs of ours.

What grpcurl does, in Python: it starts siren-server (loopback, free port, throwaway data dir), fetches the
API's FileDescriptorProtos through gRPC server reflection (foreign_fuzz.discover), builds message classes
from them at run time (protobuf's descriptor pool and message factory), calls siren.v1.Siren/ListTasks and
reads the answer as typed messages: every task with its inputs and its options (type, default, range,
choices, help). A client in any language can therefore learn the tasks without siren's .proto files.

Exits 1 when a task or option it checks is missing or wrong, 77 (CTest SKIP_RETURN_CODE) without grpcio.

  foreign_list_tasks.py --server-bin B
"""
import argparse
import sys
import tempfile

from foreign_fuzz import IDENTITY, ServerProcess, discover  # exits 77 without grpcio

import grpc
from google.protobuf import descriptor_pool, message_factory


def message_class(pool, full_name):
    descriptor = pool.FindMessageTypeByName(full_name)
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.21
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def load_pool(files):
    """Every reflected file into one pool, each after the files it imports."""
    pool, added = descriptor_pool.DescriptorPool(), set()

    def add(name):
        if name in added:
            return
        for dependency in files[name].dependency:
            add(dependency)
        pool.Add(files[name])
        added.add(name)

    for name in files:
        add(name)
    return pool


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server-bin", required=True)
    args = parser.parse_args()
    problems = []
    with tempfile.TemporaryDirectory() as workdir:
        server = ServerProcess(args.server_bin, workdir, "list-tasks")
        try:
            channel = grpc.insecure_channel(server.address)
            _, files = discover(channel)
            pool = load_pool(files)
            request = message_class(pool, "siren.v1.ListTasksRequest")()
            response_class = message_class(pool, "siren.v1.ListTasksResponse")
            call = channel.unary_unary("/siren.v1.Siren/ListTasks", **IDENTITY)
            response = response_class.FromString(call(request.SerializeToString(), timeout=20))
            tasks = {task.name: task for task in response.tasks}
            print("tasks:", ", ".join(tasks), flush=True)
            option_type = pool.FindEnumTypeByName("siren.v1.TaskOptionType")

            def expect(condition, message):
                if not condition:
                    problems.append(message)

            expect({"image", "sdf", "audio", "video", "helmholtz", "wave", "poisson-grad", "poisson-lapl",
                    "poisson-composite"} <= set(tasks), f"missing built-in tasks: {sorted(tasks)}")
            if "sdf" in tasks:
                options = {o.name: o for o in tasks["sdf"].options}
                surface = options.get("on_surface_points")
                expect(surface is not None, "sdf has no on_surface_points option")
                if surface is not None:
                    print(f"sdf option on_surface_points: {option_type.values_by_number[surface.type].name}, "
                          f"default {surface.default_value}, [{surface.min:g}, {surface.max:g}]: {surface.help}")
                    expect(option_type.values_by_number[surface.type].name == "TASK_OPTION_TYPE_INTEGER",
                           "on_surface_points is not an integer option")
                    expect(surface.default_value == "1400", f"on_surface_points default {surface.default_value}")
                expect([i.name for i in tasks["sdf"].inputs] == ["points"], "sdf's input is not 'points'")
                expect(list(tasks["sdf"].export_formats) == ["ply"], "sdf does not export ply")
            if "poisson-composite" in tasks:
                expect([i.name for i in tasks["poisson-composite"].inputs] == ["background", "foreground"],
                       "poisson-composite's inputs are not background, foreground")
            if "helmholtz" in tasks:
                velocity = {o.name: o for o in tasks["helmholtz"].options}.get("velocity")
                expect(velocity is not None and list(velocity.choices) == ["uniform", "square", "circle"],
                       "helmholtz's velocity choices")
                expect(not tasks["helmholtz"].inputs, "helmholtz takes an input")
                expect(tasks["helmholtz"].preset.train.learning_rate == 2e-5, "helmholtz's preset learning rate")
            for task in response.tasks:
                expect(task.summary and task.details, f"{task.name} has no summary or details")
                for o in task.options:
                    expect(o.help, f"{task.name} option {o.name} has no help")
        except Exception as e:  # a broken setup is a failure too, with the server's log
            problems.append(f"{type(e).__name__}: {e}\n{server.log_tail()}")
        finally:
            server.stop()
    if problems:
        print("FAIL:\n  " + "\n  ".join(problems), flush=True)
        return 1
    print("PASS: a client with no stubs of ours listed the tasks and their options through reflection", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
