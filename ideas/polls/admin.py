"""Django admin for polls: nothing. Ballots, answers and participations are deliberately not
registered, so no admin can list who answered what on an anonymous poll (ideas/polls/models.py
says why the tables themselves cannot be paired either). Staff read results on the poll page."""
