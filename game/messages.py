"""Refusals as values, with messages a facilitator understands, in Dutch (default) and English.

The engine raises `Refusal(code, **params)`; the edge turns it into a 4xx with
`{"error": {"code", "message"}}`. Every code has both languages (a test checks it).
"""
from __future__ import annotations

STATUS = {  # HTTP status per code; anything not listed is 409 (conflict with the game's state)
    "bad_request": 400, "bad_json": 400, "bad_separator": 422, "invalid_command": 422, "unknown_command": 422, "unknown_option": 422,
    "unknown_frame": 422, "unknown_policy": 422, "unknown_player": 404, "unknown_table": 422,
    "unknown_room": 404, "unknown_scenario": 404, "bad_name": 422, "duplicate_name": 409,
    "not_authenticated": 401, "forbidden": 403, "not_your_role": 403, "not_facilitator": 403,
    "not_a_player": 403,
    "room_full": 409, "too_many_tables": 422, "field_missing": 422, "field_not_text": 422,
    "field_not_bool": 422, "field_not_number": 422, "bad_seconds": 422, "bad_weight": 422, "scenario_invalid": 422,
}

MESSAGES: dict[str, dict[str, str]] = {
    "bad_request": {"nl": "Het verzoek is niet te lezen: {detail}", "en": "The request cannot be read: {detail}"},
    "bad_json": {"nl": "Het verzoek is niet te lezen: dit is geen geldige JSON.", "en": "The request cannot be read: this is not valid JSON."},
    "bad_separator": {"nl": "Scheidingsteken '{sep}' kan niet: kies ';' of ','.", "en": "Separator '{sep}' is not possible: choose ';' or ','."},
    "invalid_command": {"nl": "Ongeldige opdracht: {detail}", "en": "Invalid command: {detail}"},
    "unknown_command": {"nl": "Onbekende opdracht '{type}'.", "en": "Unknown command '{type}'."},
    "unknown_room": {"nl": "Er is geen spel met code {code}.", "en": "There is no game with code {code}."},
    "unknown_scenario": {"nl": "Scenario '{scenario}' bestaat niet.", "en": "Scenario '{scenario}' does not exist."},
    "unknown_option": {"nl": "Optie '{option}' staat niet op het menu.", "en": "Option '{option}' is not on the menu."},
    "unknown_frame": {"nl": "Kader '{frame}' bestaat niet in dit scenario.", "en": "Frame '{frame}' does not exist in this scenario."},
    "unknown_policy": {"nl": "Huurbeleid '{policy}' bestaat niet in dit scenario.", "en": "Rent policy '{policy}' does not exist in this scenario."},
    "unknown_player": {"nl": "Speler '{player}' zit niet in dit spel.", "en": "Player '{player}' is not in this game."},
    "unknown_table": {"nl": "Tafel {table} bestaat niet (er zijn {tables} tafels).", "en": "Table {table} does not exist (there are {tables} tables)."},
    "too_many_tables": {"nl": "Kies 1 tot {max} tafels.", "en": "Choose 1 to {max} tables."},
    "bad_name": {"nl": "Kies een naam van 1 tot {max} tekens.", "en": "Choose a name of 1 to {max} characters."},
    "duplicate_name": {"nl": "De naam '{name}' is al bezet in dit spel; kies een andere.", "en": "The name '{name}' is already taken in this game; choose another."},
    "room_full": {"nl": "Dit spel is vol ({max} spelers).", "en": "This game is full ({max} players)."},
    "not_authenticated": {"nl": "Log in met je speltoken (ontbreekt of klopt niet).", "en": "Sign in with your game token (missing or wrong)."},
    "not_facilitator": {"nl": "Alleen de spelleider kan dit doen.", "en": "Only the facilitator can do this."},
    "forbidden": {"nl": "Dit mag jij niet doen.", "en": "You are not allowed to do this."},
    "not_a_player": {"nl": "Alleen spelers maken keuzes; de spelleider speelt niet mee.", "en": "Only players make choices; the facilitator does not play."},
    "not_your_role": {"nl": "Dit is een keuze voor de {role}; jij bent deze ronde {mine}.", "en": "This choice belongs to the {role}; this round you are {mine}."},
    "no_table": {"nl": "Je zit nog niet aan een tafel.", "en": "You do not have a table yet."},
    "wrong_round": {"nl": "Deze opdracht hoort bij ronde {given}, maar het spel is in ronde {current}.", "en": "This command is for round {given}, but the game is in round {current}."},
    "wrong_phase": {"nl": "Dat kan nu niet: het spel is in de fase '{phase}'.", "en": "That is not possible now: the game is in phase '{phase}'."},
    "round_locked": {"nl": "De ronde is gesloten; keuzes kunnen niet meer veranderen.", "en": "The round is locked; choices can no longer change."},
    "frame_first": {"nl": "De Vermogenskamer kiest eerst het kader van dit jaar.", "en": "The Vermogenskamer must choose this year's frame first."},
    "not_proposed": {"nl": "Project {option} is niet voorgesteld door de Vastgoedkamer; dekken kan pas als het gekozen is.", "en": "Project {option} has not been proposed by the Vastgoedkamer; it can be covered once it is selected."},
    "no_top": {"nl": "Project {option} heeft geen onrendabele top; er valt niets te dekken.", "en": "Project {option} has no unprofitable top; there is nothing to cover."},
    "over_social_budget": {"nl": "Dit past niet in het maatschappelijk budget: er zou € {used} worden gebruikt van € {budget} (€ {over} te veel).", "en": "This does not fit the social budget: € {used} would be used of € {budget} (€ {over} too much)."},
    "over_borrowing_cap": {"nl": "Dit past niet in het leenplafond: er zou € {loans} geleend worden, het kader staat € {cap} toe (€ {over} te veel).", "en": "This exceeds the borrowing cap: € {loans} would be borrowed, the frame allows € {cap} (€ {over} too much)."},
    "not_enough_players": {"nl": "Er zijn {players} spelers voor {tables} tafels; elke tafel heeft minstens één speler nodig.", "en": "There are {players} players for {tables} tables; every table needs at least one player."},
    "already_started": {"nl": "Het spel is al begonnen.", "en": "The game has already started."},
    "game_finished": {"nl": "Het spel is afgelopen.", "en": "The game has finished."},
    "not_locked": {"nl": "Sluit eerst de ronde voordat je de uitkomst toont.", "en": "Lock the round before revealing it."},
    "not_revealed": {"nl": "Toon eerst de uitkomst van deze ronde.", "en": "Reveal this round's outcome first."},
    "last_round": {"nl": "Dit was de laatste ronde; beëindig het spel.", "en": "This was the last round; end the game."},
    "last_private_round": {"nl": "Dit scenario heeft hoogstens {rounds} privéronde(s); open nu de gezamenlijke ronde.", "en": "This scenario has at most {rounds} private round(s); open the joint round now."},
    "joint_open": {"nl": "De gezamenlijke ronde loopt al; een nieuwe privéronde kan alleen daarvóór.", "en": "The joint round is open; another private round can only come before it."},
    "removed": {"nl": "Je bent door de spelleider uit het spel gehaald.", "en": "The facilitator removed you from the game."},
    "weights_frozen": {"nl": "De gewichten liggen vast zodra de ronde open is.", "en": "Weights are frozen once the round has opened."},
    "bad_weight": {"nl": "Een gewicht is een gewoon getal van 0,01 tot 100 (bijvoorbeeld 2 of 1.5).", "en": "A weight is a plain number from 0.01 to 100 (for example 2 or 1.5)."},
    "unknown_stakeholder": {"nl": "Belanghebbende '{stakeholder}' bestaat niet in dit scenario.", "en": "Stakeholder '{stakeholder}' does not exist in this scenario."},
    "no_stakeholder": {"nl": "Je vertegenwoordigt nog geen partij; de spelleider wijst je er een toe.", "en": "You do not represent a party yet; the facilitator assigns one."},
    "over_budget": {"nl": "Dit past niet in je budget: het pakket kost € {cost}, je budget is € {budget} (€ {over} te veel).", "en": "This does not fit your budget: the package costs € {cost}, your budget is € {budget} (€ {over} too much)."},
    "too_many_points": {"nl": "Je kunt {max} punten verdelen; dit zou {total} punten zijn.", "en": "You can spread {max} points; this would be {total} points."},
    "over_joint_budget": {"nl": "Het gezamenlijke pakket zou € {cost} kosten; het gezamenlijke budget is € {budget}.", "en": "The joint package would cost € {cost}; the joint budget is € {budget}."},
    "paused": {"nl": "Het spel staat even stil; wacht tot de spelleider verdergaat.", "en": "The game is paused; wait for the facilitator to resume."},
    "bad_seconds": {"nl": "Geef een tijd van 1 seconde tot {max} minuten.", "en": "Give a time from 1 second to {max} minutes."},
    "no_timer": {"nl": "Er loopt geen klok om te verlengen; zet eerst een klok.", "en": "There is no clock to extend; set one first."},
    "field_missing": {"nl": "Ongeldige opdracht: het veld '{field}' ontbreekt.", "en": "Invalid command: the field '{field}' is missing."},
    "field_not_text": {"nl": "Ongeldige opdracht: het veld '{field}' moet een korte tekst zijn.", "en": "Invalid command: the field '{field}' must be a short text."},
    "field_not_bool": {"nl": "Ongeldige opdracht: het veld '{field}' moet true of false zijn.", "en": "Invalid command: the field '{field}' must be true or false."},
    "field_not_number": {"nl": "Ongeldige opdracht: het veld '{field}' moet een geheel getal zijn.", "en": "Invalid command: the field '{field}' must be a whole number."},
    "scenario_invalid": {"nl": "Het scenario is ongeldig: {detail}", "en": "The scenario is invalid: {detail}"},
}

ROLE_NAMES = {
    "capital": {"nl": "Vermogenskamer", "en": "Vermogenskamer (fund manager)"},
    "property": {"nl": "Vastgoedkamer", "en": "Vastgoedkamer (asset manager)"},
    "social": {"nl": "Maatschappelijke Kamer", "en": "Maatschappelijke Kamer (social manager)"},
}


def role_name(role: str, lang: str = "nl") -> str:
    return ROLE_NAMES.get(role, {}).get(lang, role)


# A phase as a message names it (the view's `phase` ids are code, not words for a facilitator)
PHASE_NAMES = {"lobby": ("lobby", "lobby"), "frame": ("kader kiezen", "choosing the frame"),
               "choices": ("keuzes maken", "making choices"), "locked": ("ronde gesloten", "round locked"),
               "revealed": ("uitkomst", "outcome"), "joint": ("gezamenlijk pakket", "joint package"),
               "finished": ("afgelopen", "finished")}


class Refusal(Exception):
    """A command the game refuses, with a reason for a person. Nothing was changed."""

    def __init__(self, code: str, /, **params):  # positional-only: `code` may also be a parameter
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def public_code(self) -> str:
        """The code clients see: the field checks are all 'invalid_command'."""
        return "invalid_command" if self.code.startswith("field_") else self.code

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 409)

    def message(self, lang: str = "nl") -> str:
        texts = MESSAGES.get(self.code) or {"nl": self.code, "en": self.code}
        template = texts.get(lang) or texts["nl"]
        # a value is echoed, never a whole huge input
        params = {k: (str(v)[:60] + "…" if len(str(v)) > 60 else v) for k, v in self.params.items()}
        if params.get("phase") in PHASE_NAMES:
            params["phase"] = PHASE_NAMES[params["phase"]][lang == "en"]
        try:
            return template.format(**params)
        except (KeyError, IndexError):
            return template

    def as_error(self, lang: str = "nl") -> dict:
        return {"error": {"code": self.public_code, "message": self.message(lang)}}
