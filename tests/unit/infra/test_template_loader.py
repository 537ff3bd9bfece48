"""The CloudFormation YAML loader and the intrinsic-function evaluator behind the local stack."""

from __future__ import annotations

import pytest

from infra.local.template import IntrinsicError, Intrinsics, loads_template, parameter_values, references

SNIPPET = """
Parameters:
  Stage: {Type: String, Default: dev}
  Topic: {Type: String, Default: ""}
Conditions:
  NoTopic: !Equals [!Ref Topic, ""]
  HasTopic: !Not [!Condition NoTopic]
Mappings:
  Sizes: {dev: {Memory: 256}, prod: {Memory: 1024}}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "complaintdesk-${Stage}-q"
      Tags:
        - Key: arn
          Value: !GetAtt Other.Arn
        - Key: joined
          Value: !Join [",", [a, !Ref Stage]]
        - Key: picked
          Value: !Select [1, !Split ["/", "x/y/z"]]
        - Key: sized
          Value: !FindInMap [Sizes, !Ref Stage, Memory]
        - Key: literal
          Value: !Sub "${!NotAVariable}-${AWS::Region}-${Other.Arn}"
  Other:
    Type: AWS::SNS::Topic
    Condition: HasTopic
"""


def intrinsics(**parameters: str) -> Intrinsics:
    template = loads_template(SNIPPET)
    return Intrinsics(
        template=template,
        parameters=parameter_values(template, parameters),
        pseudo={"AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012"},
        attributes={("Other", "Arn"): "arn:aws:sns:eu-west-1:123456789012:other"},
    )


def test_short_form_tags_become_long_forms() -> None:
    template = loads_template(SNIPPET)
    props = template["Resources"]["Queue"]["Properties"]
    assert props["QueueName"] == {"Fn::Sub": "complaintdesk-${Stage}-q"}
    assert props["Tags"][0]["Value"] == {"Fn::GetAtt": ["Other", "Arn"]}
    assert template["Conditions"]["HasTopic"] == {"Fn::Not": [{"Condition": "NoTopic"}]}


def test_intrinsics_resolve_against_parameters_pseudo_and_attributes() -> None:
    resolved = intrinsics(Stage="prod").resolve(loads_template(SNIPPET)["Resources"]["Queue"]["Properties"])
    assert resolved["QueueName"] == "complaintdesk-prod-q"
    assert [tag["Value"] for tag in resolved["Tags"]] == [
        "arn:aws:sns:eu-west-1:123456789012:other",
        "a,prod",
        "y",
        1024,
        "${NotAVariable}-eu-west-1-arn:aws:sns:eu-west-1:123456789012:other",
    ]


def test_conditions_decide_which_resources_exist() -> None:
    assert intrinsics().is_active("Queue")
    assert not intrinsics().is_active("Other")
    assert intrinsics(Topic="arn:aws:sns:eu-west-1:1:ops").is_active("Other")


def test_if_and_no_value_drop_entries() -> None:
    evaluator = intrinsics()
    value = {"A": {"Fn::If": ["NoTopic", {"Ref": "AWS::NoValue"}, "x"]}, "B": [1, {"Ref": "AWS::NoValue"}]}
    assert evaluator.resolve(value) == {"B": [1]}


def test_unknown_names_raise() -> None:
    with pytest.raises(IntrinsicError):
        intrinsics().resolve({"Ref": "Missing"})
    with pytest.raises(IntrinsicError):
        intrinsics().resolve({"Fn::GetAtt": ["Queue", "Arn"]})


def test_required_parameters_need_a_value() -> None:
    template = loads_template("Parameters: {Secret: {Type: String}}\nResources: {}\n")
    with pytest.raises(IntrinsicError, match="Secret"):
        parameter_values(template)
    assert parameter_values(template, {"Secret": "s"}) == {"Secret": "s"}


def test_references_name_resources_and_parameters_not_pseudo_parameters() -> None:
    props = loads_template(SNIPPET)["Resources"]["Queue"]["Properties"]
    assert references(props) == {"Stage", "Other"}
    assert references({"Fn::Sub": ["${X}-${Y}", {"X": {"Ref": "Z"}}]}) == {"Y", "Z"}


def test_not_a_template() -> None:
    with pytest.raises(ValueError):
        loads_template("just: a mapping\n")
